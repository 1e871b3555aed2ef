using System.Text;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Benchmarks;

/// <summary>
/// RU per processed event on Cosmos DB, computed (not measured: the local emulator reports no charges) from the
/// sizes of the items the Cosmos store writes for the same event stream, with the published per-size charges of
/// point reads and writes (Azure Cosmos DB docs, "Understand request unit consumption": 1 KB read 1.00 RU,
/// write 4.95 RU; 2 KB 1.04/6.29; 4 KB 1.14/6.67; 8 KB 1.33/7.04; 16 KB 1.67/9.52; 32 KB 2.19/11.23; 64 KB
/// 4.76/22.67; default indexing, session consistency). The stream runs through the pure decider, customer by
/// customer, and every operation the Cosmos store performs for a step (CosmosJourneyStore: read, commit replace,
/// inbox create and patch, one item per history entry, timer, points entry, coupon, message and journey fact,
/// the step index items of instances that moved, then the outbox-completion replace) is priced by its item size.
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
        long documentBytes = 0;
        foreach (var e in events)
        {
            now = now.AddMilliseconds(5);
            var bodyBytes = Bytes(CloudEventReader.Write(e).ToJsonString()) + 200; // + item envelope (id, pk, status, seq, times)
            Add("inbox: event create", WriteRu(bodyBytes));
            var exists = documents.TryGetValue(e.Subject, out var document);
            document ??= CustomerDocument.New(e.Subject);
            if (exists) Add("customer read", ReadRu(Bytes(RuntimeJson.Serialize(document)) + 300));
            if (e.Type == EventTypes.ReferralAccepted && e.DataString("referrerId") is { } referrer && documents.TryGetValue(referrer, out var referrerDoc))
            {
                Add("referrer read + referral query", ReadRu(Bytes(RuntimeJson.Serialize(referrerDoc)) + 300) + 2.8);
            }

            var decision = CustomerDecider.Decide(document.State, new EventReceived(e), context with { Now = now });
            var next = document.After(decision, $"e:{e.Id}");
            var withOutbox = Bytes(RuntimeJson.Serialize(next)) + 300;
            Add(exists ? "customer replace (commit, outbox in it)" : "customer create (commit, outbox in it)", WriteRu(withOutbox));
            Add("inbox: event status patch", WriteRu(bodyBytes));
            if (next.State.Profile.ReferredBy is not null && !(document.State.Profile.ReferredBy is not null)) Add("referral upsert", WriteRu(400));

            foreach (var effect in decision.Effects)
            {
                switch (effect)
                {
                    case RecordHistory h:
                        Add("history entry create", WriteRu(Bytes(h.Entry.Detail) + Bytes(h.Entry.EntryId) + 350));
                        break;
                    case ScheduleTimer:
                        Add("timer create", WriteRu(400));
                        break;
                    case CancelTimer:
                        Add("timer delete", WriteRu(400));
                        break;
                    case SendMessage s:
                        Add("message record create", WriteRu(Bytes(s.Body) + Bytes(s.Subject ?? "") + 600));
                        break;
                    case AwardPoints or RecordPoints:
                        Add("points entry create", WriteRu(500));
                        break;
                    case RewardReferral:
                        Add("points entry create", WriteRu(500) * 2);
                        break;
                    case IssueCoupon:
                        Add("coupon create", WriteRu(500));
                        break;
                }
            }

            foreach (var _ in JourneyFacts.From(next, decision.Effects, now)) Add("journey fact create", WriteRu(450));
            StepIndex(document, next, Add);
            var completed = next with { PendingEffects = [] };
            var completedBytes = Bytes(RuntimeJson.Serialize(completed)) + 300;
            if (!decision.Effects.IsEmpty) Add("customer replace (outbox done)", WriteRu(completedBytes));
            documentBytes += completedBytes;
            documents[e.Subject] = completed;
        }

        var total = ru.Values.Sum();
        var perEvent = total / events.Count;
        foreach (var (op, charge) in ru.OrderByDescending(x => x.Value))
        {
            results.Add(Section, op, charge / events.Count, "RU/event", $"{ops[op] / (double)events.Count:F2} operations per event, {charge / ops[op]:F2} RU each");
        }

        results.Add(Section, "total", perEvent, "RU/event", $"{events.Count:N0} events over {workload.Customers:N0} customers; mean customer item {documentBytes / (double)events.Count:N0} bytes");
        results.Details["cosmosRuPerEvent"] = ru.ToDictionary(x => x.Key, x => Math.Round(x.Value / events.Count, 3), StringComparer.Ordinal);
        results.AddGoal("Cosmos RU per processed event", "≤ 15 RU", perEvent, "RU/event", perEvent <= 15, "computed from item sizes with the published RU table, store as implemented");
    }

    /// <summary>
    /// The live-count index (CosmosJourneyStore.Steps): an instance that moved to another step is one patch (plus a
    /// create the first time, after the patch's 404); one that ended is a read and a delete.
    /// </summary>
    private static void StepIndex(CustomerDocument before, CustomerDocument after, Action<string, double> add)
    {
        var was = IndexedStep.InFlight(before);
        var now = IndexedStep.InFlight(after);
        foreach (var (instanceId, step) in now)
        {
            if (!was.TryGetValue(instanceId, out var old)) add("step index: patch (404) + create", WriteRu(400) * 2);
            else if (old != step) add("step index: patch", WriteRu(400));
        }

        foreach (var instanceId in was.Keys)
        {
            if (!now.ContainsKey(instanceId)) add("step index: read + delete", ReadRu(400) + WriteRu(400));
        }
    }

    private static long Bytes(string text) => Encoding.UTF8.GetByteCount(text);
}
