using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Cosmos.Tests.Support;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using Xunit.Abstractions;

namespace PrivateFlows.Runtime.Cosmos.Tests.Cost;

/// <summary>
/// What the read model costs per decided step of the built-in onboarding journey (the registration that starts it,
/// the wait timer that fires a day later, and an order that converts it), decided by the pure decider and written
/// through the real <see cref="CosmosCustomerReadModel"/> on the emulator. Every request and the size of every item
/// written is recorded; the request units are estimated from Cosmos DB's published charges per item size (the
/// emulator charges 1 per request, so its own charge says nothing). The numbers feed docs/cosmos-cost.md; a step
/// must stay within 15 RU on average and never query across partitions.
/// </summary>
public sealed class ReadModelCostTests(CosmosEmulator emulator, ITestOutputHelper output) : IClassFixture<CosmosEmulator>
{
    private static readonly DateTimeOffset Start = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);

    /// <summary>Goal of issue #15: the read model's writes per processed event.</summary>
    private const double GoalRuPerStep = 15;

    [Fact]
    public async Task WriteStep_OnboardingJourney_CostsAtMostFifteenRequestUnitsPerStepInSinglePartitionOperations()
    {
        var clock = new FakeTimeProvider(Start);
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        using var recorder = new Recorder(meters);
        using var model = emulator.OpenReadModel(clock, meters: meters);
        await model.EnsureReadyAsync();
        var journeys = JourneyLoader.LoadDirectory(Paths.BuiltInJourneys).Journeys;
        var document = CustomerDocument.New("cost-1");
        var report = new StringBuilder();
        var totals = new List<double>();

        async Task StepAsync(string title, DecisionInput input)
        {
            var now = clock.GetUtcNow();
            var decision = CustomerDecider.Decide(document.State, input, DecisionContext.For(now, journeys));
            document = document with { State = decision.State };
            var delivered = decision.Effects.OfType<SendMessage>()
                .Select(s => new MessageRecord(s.EffectId, s.CustomerId, s.InstanceId, s.Journey, s.StepId, s.Channel, s.Category.ToString(), s.Template, s.Locale, s.Subject, s.Body,
                    s.Address, "webhook", DeliveryStatus.Delivered, 1, null, now))
                .ToList();
            recorder.Reset();
            await model.WriteStepAsync(new CustomerStep(document, decision.Effects, delivered, now));
            var measured = recorder.Take();
            measured.Should().NotContain(m => m.Operation.Contains("lookup", StringComparison.Ordinal) || m.Operation.Contains("query", StringComparison.Ordinal),
                "writing a step uses point operations only");
            totals.Add(Describe(report, $"{title}: {decision.Effects.Length} effects", measured));
        }

        await StepAsync("customer.registered (enters onboarding: welcome push, 1 d wait)", new EventReceived(Events.Registered("cost-1", Start, "cost-reg")));
        var onboarding = document.State.Instances.Single(i => i.Journey == "onboarding");
        var waiting = onboarding.Waiting ?? throw new InvalidOperationException("onboarding should wait after the welcome");
        clock.SetUtcNow(waiting.Until!.Value.AddMinutes(1));
        await StepAsync("timer fired after 1 d (coupon, SMS, 2 d wait)", new TimerFired(waiting.TimerId!, onboarding.InstanceId, waiting.Until.Value));
        clock.Advance(TimeSpan.FromHours(1));
        await StepAsync("order.completed (goal reached: converted; loyalty points)", new EventReceived(Events.Order("cost-1", clock.GetUtcNow(), "cost-order-1")));

        var mean = totals.Average();
        report.AppendLine(CultureInfo.InvariantCulture, $"**mean ≈ {mean:F1} RU per step** (goal ≤ {GoalRuPerStep} RU)");
        output.WriteLine(report.ToString());
        mean.Should().BeLessThanOrEqualTo(GoalRuPerStep);
    }

    private static double Describe(StringBuilder report, string title, IReadOnlyList<Measurement> input)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"## {title}");
        report.AppendLine("| operation | count | bytes written (avg) | estimated RU each | estimated RU |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        double total = 0;
        foreach (var group in input.GroupBy(m => (m.Operation, m.Status)).OrderBy(g => g.Key.Operation, StringComparer.Ordinal))
        {
            var bytes = group.Where(m => m.Bytes >= 0).Select(m => (double)m.Bytes).DefaultIfEmpty(-1).Average();
            var each = Estimate(group.Key.Operation, group.Key.Status, bytes);
            var sum = each * group.Count();
            total += sum;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key.Operation} ({group.Key.Status}) | {group.Count()} | {(bytes < 0 ? "" : bytes.ToString("F0", CultureInfo.InvariantCulture))} | {each:F2} | {sum:F1} |");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"**step ≈ {total:F1} RU**");
        report.AppendLine();
        return total;
    }

    /// <summary>
    /// Published charges (Session consistency, default indexing): point read 1 KB 1.00 RU, 2 KB 1.04, 4 KB 1.14,
    /// 8 KB 1.33; write 1 KB 4.95, 2 KB 6.29, 4 KB 6.67, 8 KB 7.04, 16 KB 9.52. Replace and upsert as a write of
    /// the new item, a patch as a write of the item it leaves, a delete as a write of ~1 KB, a small single-partition
    /// query 2.8 RU, a 409/412/404 answer 1 RU.
    /// </summary>
    internal static double Estimate(string operation, int status, double bytes)
    {
        if (status is 404 or 409 or 412) return 1.0;
        var verb = operation[(operation.IndexOf('.', StringComparison.Ordinal) + 1)..];
        if (verb.StartsWith("query", StringComparison.Ordinal)) return 2.8;
        if (verb == "read" || verb.StartsWith("read-", StringComparison.Ordinal)) return Interpolate(bytes < 0 ? 2048 : bytes, [(1, 1.00), (2, 1.04), (4, 1.14), (8, 1.33), (16, 1.67)]);
        if (verb == "delete") return Interpolate(1024, Writes);
        return Interpolate(bytes < 0 ? 1024 : bytes, Writes);
    }

    private static readonly (double Kb, double Ru)[] Writes = [(1, 4.95), (2, 6.29), (4, 6.67), (8, 7.04), (16, 9.52), (32, 11.23)];

    private static double Interpolate(double bytes, (double Kb, double Ru)[] table)
    {
        var kb = bytes / 1024;
        if (kb <= table[0].Kb) return table[0].Ru;
        for (var i = 1; i < table.Length; i++)
        {
            if (kb <= table[i].Kb)
            {
                var (k0, r0) = table[i - 1];
                var (k1, r1) = table[i];
                return r0 + ((r1 - r0) * (kb - k0) / (k1 - k0));
            }
        }

        return table[^1].Ru * kb / table[^1].Kb;
    }

    internal sealed record Measurement(string Operation, int Status, double Charge, long Bytes);

    /// <summary>Listens to the store's request-charge and item-size instruments.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Measurement> _measurements = new();
        private readonly ConcurrentQueue<(string Operation, long Bytes)> _sizes = new();

        public Recorder(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Name is CosmosTelemetry.RequestChargeInstrument or CosmosTelemetry.ItemSizeInstrument)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
                _measurements.Enqueue(new Measurement(Tag(tags, "operation"), int.Parse(Tag(tags, "status"), CultureInfo.InvariantCulture), value, -1)));
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => _sizes.Enqueue((Tag(tags, "operation"), value)));
            _listener.Start();
        }

        public void Reset()
        {
            _measurements.Clear();
            _sizes.Clear();
        }

        /// <summary>What was recorded since the last call, each write with its item size (sizes are recorded first, in order).</summary>
        public IReadOnlyList<Measurement> Take()
        {
            var sizes = new Dictionary<string, Queue<long>>(StringComparer.Ordinal);
            while (_sizes.TryDequeue(out var size))
            {
                if (!sizes.TryGetValue(size.Operation, out var queue)) sizes[size.Operation] = queue = new Queue<long>();
                queue.Enqueue(size.Bytes);
            }

            var taken = new List<Measurement>();
            while (_measurements.TryDequeue(out var m))
            {
                taken.Add(sizes.TryGetValue(m.Operation, out var queue) && queue.Count > 0 ? m with { Bytes = queue.Dequeue() } : m);
            }

            return taken;
        }

        private static string Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == name) return Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "";
            }

            return "";
        }

        public void Dispose() => _listener.Dispose();
    }
}
