using System.Text.Json;
using PrivateFlows.Runtime.Cosmos;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Benchmarks;

/// <summary>
/// RU per processed event for the Cosmos DB read model, computed (not measured: the local emulator charges 1 per
/// request) from the sizes of the items the read model writes for the same event stream, with the published
/// per-size charges of point reads and writes (Azure Cosmos DB docs, "Understand request unit consumption": 1 KB read
/// 1.00 RU, write 4.95 RU; 2 KB 1.04/6.29; 4 KB 1.14/6.67; 8 KB 1.33/7.04; 16 KB 1.67/9.52; 32 KB 2.19/11.23; 64 KB
/// 4.76/22.67; default indexing, session consistency — the read model indexes only what it queries, so this is an
/// upper bound). The stream runs through the pure decider, customer by customer, and every write
/// <c>CosmosCustomerReadModel.WriteStepAsync</c> makes for a step is priced by the size of the real item
/// (<c>ToCustomerItem</c>, <c>ToStepItem</c>): the customer item patch (a create, after a 404 and a tombstone read, the
/// first time), the step item create, a referral link upsert when a customer is first referred, and a held referral
/// reward's line in the referrer's partition. Journey state, inbox, outbox and timers are Durable Functions' and cost
/// no RU here.
/// </summary>
public static class CosmosCost
{
    public const string Section = "Cosmos DB cost (computed from item sizes with the published RU table)";

    private static readonly (double Kb, double Read, double Write)[] Table =
        [(1, 1.00, 4.95), (2, 1.04, 6.29), (4, 1.14, 6.67), (8, 1.33, 7.04), (16, 1.67, 9.52), (32, 2.19, 11.23), (64, 4.76, 22.67), (128, 9.95, 48.19)];

    public static double ReadRu(long bytes) => Interpolate(bytes, t => t.Read);

    public static double WriteRu(long bytes) => Interpolate(bytes, t => t.Write);

    private static double Interpolate(long bytes, Func<(double Kb, double Read, double Write), double> pick)
    {
        var kb = Math.Max(1.0, bytes / 1024.0);
        for (var i = 1; i < Table.Length; i++)
        {
            if (kb <= Table[i].Kb)
            {
                var (a, b) = (Table[i - 1], Table[i]);
                return pick(a) + (pick(b) - pick(a)) * (kb - a.Kb) / (b.Kb - a.Kb);
            }
        }

        return pick(Table[^1]) * kb / Table[^1].Kb;
    }

    public static void Run(Scale scale, Results results)
    {
        var journeys = JourneyLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "journeys")).Journeys;
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var workload = Workload.Mixed("cost", scale.CostCustomers, scale.CostEvents, start, seed: 20250303);
        var events = workload.Parse();
        var documents = new Dictionary<string, CustomerDocument>(StringComparer.Ordinal);
        var ru = new Dictionary<string, double>(StringComparer.Ordinal);
        var ops = new Dictionary<string, long>(StringComparer.Ordinal);
        void Add(string op, double charge)
        {
            ru[op] = ru.GetValueOrDefault(op) + charge;
            ops[op] = ops.GetValueOrDefault(op) + 1;
        }

        var now = DateTimeOffset.UtcNow;
        var context = DecisionContext.For(now, journeys);
        long customerBytes = 0, stepBytes = 0, steps = 0;
        foreach (var e in events)
        {
            now = now.AddMilliseconds(5);
            var exists = documents.TryGetValue(e.Subject, out var document);
            document ??= CustomerDocument.New(e.Subject);
            var decision = CustomerDecider.Decide(document.State, new EventReceived(e), context with { Now = now });
            var next = document with { State = decision.State };
            // What the orchestration hands the read model: the sends delivered in the step come with it.
            var delivered = decision.Effects.OfType<SendMessage>()
                .Select(s => new MessageRecord(s.EffectId, s.CustomerId, s.InstanceId, s.Journey, s.StepId, s.Channel, s.Category.ToString(), s.Template, s.Locale,
                    s.Subject, s.Body, s.Address, "webhook", DeliveryStatus.Delivered, 1, null, now))
                .ToList();
            var step = new CustomerStep(next, decision.Effects, delivered, now);
            var at = now.ToUnixTimeMilliseconds();

            var customer = Size(CosmosCustomerReadModel.ToCustomerItem(next, at));
            customerBytes += customer;
            if (exists) Add("customer item patch", WriteRu(customer));
            else Add("customer item create (+ patch 404, tombstone read 404)", WriteRu(customer) + 2);

            var records = StepRecords.From(step);
            var points = records.Points.Where(p => p.CustomerId == e.Subject)
                .Select(p => new PointsLine(0, p.EntryId, p.InstanceId, p.Points, p.Rule, p.Reason, "credited", "2025-03-03T02:00:00.0000000Z", null)).ToList();
            if (CosmosCustomerReadModel.ToStepItem(e.Subject, at * 1000, records, delivered, points) is { } item)
            {
                var bytes = Size(item);
                stepBytes += bytes;
                steps++;
                Add("step item create (history, facts, messages, points, coupons)", WriteRu(bytes));
            }

            foreach (var _ in records.Points.Where(p => p.CustomerId != e.Subject)) Add("held referral line in the referrer's partition", WriteRu(450));
            if (next.State.Profile.ReferredBy is not null && document.State.Profile.ReferredBy is null) Add("referral link upsert", WriteRu(300));
            documents[e.Subject] = next;
        }

        var total = ru.Values.Sum();
        var perEvent = total / events.Count;
        foreach (var (op, charge) in ru.OrderByDescending(x => x.Value))
        {
            results.Add(Section, op, charge / events.Count, "RU/event", $"{ops[op] / (double)events.Count:F2} operations per event, {charge / ops[op]:F2} RU each");
        }

        results.Add(Section, "total", perEvent, "RU/event",
            $"{events.Count:N0} events over {workload.Customers:N0} customers; mean customer item {customerBytes / (double)events.Count:N0} bytes, mean step item {(steps == 0 ? 0 : stepBytes / (double)steps):N0} bytes");
        results.Details["cosmosRuPerEvent"] = ru.ToDictionary(x => x.Key, x => Math.Round(x.Value / events.Count, 3), StringComparer.Ordinal);
        results.AddGoal("Cosmos RU per processed event (read model writes)", "≤ 15 RU", perEvent, "RU/event", perEvent <= 15, "computed from the sizes of the items the read model writes, published RU table (default indexing: an upper bound)");
    }

    private static long Size<T>(T item) => JsonSerializer.SerializeToUtf8Bytes(item, CosmosJson.Options).LongLength;
}
