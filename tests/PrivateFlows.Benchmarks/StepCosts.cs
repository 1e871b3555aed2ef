using System.Diagnostics;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Benchmarks;

/// <summary>
/// Where a step's CPU and allocation go: the workload's events run on one thread through the pure parts of a step
/// (document from JSON, decide, next document, document to JSON), each part timed and its allocation counted.
/// What the end-to-end run costs on top of these is the engine's own share: queues, SQLite, rows, dispatch.
/// </summary>
public static class StepCosts
{
    public const string Section = "Step costs per event (one thread, pure parts only)";

    private static readonly string[] Parts = ["document from JSON", "decide", "next document", "document to JSON"];

    public static void Run(Scale scale, Results results)
    {
        var journeys = JourneyLoader.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "journeys")).Journeys;
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        Measure(Workload.Mixed("costs-warm", Math.Max(1, scale.WarmupEvents / 5), scale.WarmupEvents, start, seed: 1), journeys, start);
        var workload = Workload.Mixed("costs", scale.Customers, scale.Events, start);
        var (cpu, bytes, events) = Measure(workload, journeys, start);
        for (var i = 0; i < Parts.Length; i++)
        {
            results.Add(Section, $"{Parts[i]}: CPU per event", cpu[i] / events, "µs");
            results.Add(Section, $"{Parts[i]}: allocated per event", bytes[i] / (double)events, "bytes");
        }

        results.Add(Section, "pure parts: CPU per event", cpu.Sum() / events, "µs", $"{events:N0} events over {workload.Customers:N0} customers, all five built-in journeys");
        results.Add(Section, "pure parts: allocated per event", bytes.Sum() / (double)events, "bytes");
    }

    private static (double[] CpuMicroseconds, long[] Bytes, int Events) Measure(Workload workload, IReadOnlyList<JourneyVersion> journeys, DateTimeOffset start)
    {
        var documents = new Dictionary<string, string>(StringComparer.Ordinal);
        var cpu = new double[Parts.Length];
        var bytes = new long[Parts.Length];
        var events = workload.Parse();
        var context = DecisionContext.For(start, journeys);
        foreach (var e in events)
        {
            // The decision instant follows the stream, as the engine's clock would; a context per minute, as the catalog caches it.
            if (e.Time - context.Now > TimeSpan.FromMinutes(1)) context = context with { Now = e.Time };
            var part = 0;
            var mark = Mark();

            var document = documents.TryGetValue(e.Subject, out var json) ? RuntimeJson.Deserialize<CustomerDocument>(json) : CustomerDocument.New(e.Subject);
            mark = Count(mark, cpu, bytes, part++);

            var decision = CustomerDecider.Decide(document.State, new EventReceived(e), context);
            mark = Count(mark, cpu, bytes, part++);

            var next = document.After(decision, $"e:{e.Id}") with { PendingEffects = [] };
            mark = Count(mark, cpu, bytes, part++);

            documents[e.Subject] = RuntimeJson.Serialize(next);
            Count(mark, cpu, bytes, part);
        }

        return (cpu, bytes, events.Count);
    }

    private static (long Ticks, long Bytes) Mark() => (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());

    private static (long Ticks, long Bytes) Count((long Ticks, long Bytes) since, double[] cpu, long[] bytes, int part)
    {
        var now = Mark();
        cpu[part] += Stopwatch.GetElapsedTime(since.Ticks, now.Ticks).TotalMicroseconds;
        bytes[part] += now.Bytes - since.Bytes;
        return now;
    }
}
