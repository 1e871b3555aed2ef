using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Cosmos.Tests.Support;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Runtime.Timers;
using Xunit.Abstractions;

namespace PrivateFlows.Runtime.Cosmos.Tests.Cost;

/// <summary>
/// Counts the Cosmos DB operations the pipeline performs for one processed input of the built-in onboarding journey
/// (the registration that starts it, the wait timer that fires a day later, and an order that converts it) and the
/// size of every item written, then estimates the request units from Cosmos DB's published charges (the emulator
/// charges 1 per request). The numbers feed docs/cosmos-cost.md. The hot path must use no cross-partition query.
/// </summary>
public sealed class RequestCostTests(CosmosEmulator emulator, ITestOutputHelper output) : IClassFixture<CosmosEmulator>
{
    private static readonly DateTimeOffset Start = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);

    /// <summary>Operations that read across partitions; none may happen while an input is processed.</summary>
    private static readonly string[] CrossPartition =
        ["event.lookup", "message.lookup", "timer.lookup", "history.lookup-instance", "event.query-pending", "customer.query-pending", "poison.query", "journey.query"];

    /// <summary>The timer poller's own reads (in Azure a separate singleton function), reported apart.</summary>
    private static readonly string[] Poller = ["bucket.query", "timer.query-bucket", "timer.query-ties", "bucket.delete"];

    [Fact]
    public async Task One_processed_input_of_the_onboarding_journey_costs_a_bounded_number_of_single_partition_operations()
    {
        var clock = new FakeTimeProvider(Start);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PrivateFlows:Store"] = "Cosmos",
            ["PrivateFlows:Cosmos:Endpoint"] = emulator.Endpoint.ToString(),
            ["PrivateFlows:Cosmos:Key"] = CosmosEmulator.Key,
            ["PrivateFlows:Cosmos:Database"] = "cost-" + Guid.NewGuid().ToString("N")[..8],
            ["PrivateFlows:Cosmos:CreateContainers"] = "true",
            ["PrivateFlows:Journeys:Path"] = Paths.BuiltInJourneys,
            ["PrivateFlows:Processing:Workers"] = "1",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(emulator.Client); // the fixture's client (not disposed by the host)
        builder.Services.AddPrivateFlowsRuntime(builder.Configuration);
        builder.Services.AddJourneyStore(builder.Configuration);
        using var host = builder.Build();
        using var recorder = new Recorder(host.Services.GetRequiredService<IMeterFactory>());
        await host.StartAsync();
        try
        {
            host.Services.GetRequiredService<IJourneyStore>().Should().BeOfType<CosmosJourneyStore>();
            var ingest = host.Services.GetRequiredService<EventIngest>();
            await SettleAsync(host, clock);

            var report = new StringBuilder();
            recorder.Reset();
            await ingest.AcceptAsync([Events.Registered("cost-1", clock.GetUtcNow(), "cost-reg")]);
            await SettleAsync(host, clock);
            var registration = recorder.Take();
            Describe(report, "customer.registered (enters onboarding: welcome push, 1 d wait)", registration);

            clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
            await SettleAsync(host, clock);
            var timer = recorder.Take();
            Describe(report, "timer fired after 1 d (coupon, SMS, 2 d wait)", timer);

            await ingest.AcceptAsync([Events.Order("cost-1", clock.GetUtcNow(), "cost-order-1")]);
            await SettleAsync(host, clock);
            var order = recorder.Take();
            Describe(report, "order.completed (goal reached: converted; loyalty points)", order);
            output.WriteLine(report.ToString());

            foreach (var input in new[] { registration, timer, order })
            {
                input.Where(m => CrossPartition.Contains(m.Operation)).Should().BeEmpty("processing an input uses point operations and single-partition queries only");
                input.Count(m => !Poller.Contains(m.Operation)).Should().BeInRange(4, 40);
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task SettleAsync(IHost host, FakeTimeProvider clock)
    {
        var queues = host.Services.GetRequiredService<CustomerQueues>();
        var timers = host.Services.GetRequiredService<TimerService>();
        var store = host.Services.GetRequiredService<IJourneyStore>();
        await queues.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await queues.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(50);
            var next = (await store.ReadEarliestTimersAsync(1)).FirstOrDefault();
            if (!(next is not null && next.DueAt <= clock.GetUtcNow()) && queues.Outstanding == 0 && timers.InFlight == 0) return;
        }

        throw new TimeoutException("the engine did not settle");
    }

    private static void Describe(StringBuilder report, string title, IReadOnlyList<Measurement> input)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"## {title}");
        report.AppendLine("| operation | count | bytes written (avg) | estimated RU each | estimated RU |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        double total = 0, poller = 0;
        foreach (var group in input.GroupBy(m => (m.Operation, m.Status)).OrderBy(g => g.Key.Operation, StringComparer.Ordinal))
        {
            var bytes = group.Where(m => m.Bytes >= 0).Select(m => (double)m.Bytes).DefaultIfEmpty(-1).Average();
            var each = Estimate(group.Key.Operation, group.Key.Status, bytes);
            var sum = each * group.Count();
            if (Poller.Contains(group.Key.Operation)) poller += sum;
            else total += sum;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key.Operation} ({group.Key.Status}) | {group.Count()} | {(bytes < 0 ? "" : bytes.ToString("F0", CultureInfo.InvariantCulture))} | {each:F2} | {sum:F1} |");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"**pipeline ≈ {total:F1} RU** (+ timer poller ≈ {poller:F1} RU)");
        report.AppendLine();
    }

    /// <summary>
    /// Published charges (Session consistency, default indexing): point read 1 KB 1.00 RU, 2 KB 1.04, 4 KB 1.14,
    /// 8 KB 1.33; write 1 KB 4.95, 2 KB 6.29, 4 KB 6.67, 8 KB 7.04, 16 KB 9.52. Replace and upsert as a write of
    /// the new item, a patch as a write of a ~1 KB item, a delete as a write of ~1 KB, a small single-partition
    /// query 2.8 RU, a 409/412/404 answer 1 RU.
    /// </summary>
    internal static double Estimate(string operation, int status, double bytes)
    {
        if (status is 404 or 409 or 412) return 1.0;
        var verb = operation[(operation.IndexOf('.', StringComparison.Ordinal) + 1)..];
        if (verb.StartsWith("query", StringComparison.Ordinal)) return 2.8;
        if (verb == "read" || verb.StartsWith("read-", StringComparison.Ordinal)) return Interpolate(bytes < 0 ? 2048 : bytes, [(1, 1.00), (2, 1.04), (4, 1.14), (8, 1.33), (16, 1.67)]);
        if (verb is "patch" or "delete") return Interpolate(1024, Writes);
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
