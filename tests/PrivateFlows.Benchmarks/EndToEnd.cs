using System.Diagnostics;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Benchmarks;

/// <summary>What one end-to-end run did, read back from its database.</summary>
public sealed record RunCounts(long Events, long Customers, long History, long Messages, long Timers, long Points, long Coupons, double AvgDocumentBytes, long MaxDocumentBytes)
{
    public static RunCounts Read(Func<string, long> count, long events) => new(
        events,
        count("SELECT COUNT(*) FROM customers"),
        count(PrivateFlows.Runtime.Sqlite.JournalEntries.CountSql),
        count("SELECT COUNT(*) FROM messages"),
        count("SELECT COUNT(*) FROM timers"),
        count("SELECT COUNT(*) FROM points_ledger"),
        count("SELECT COUNT(*) FROM coupons"),
        count("SELECT COALESCE(AVG(LENGTH(CAST(document AS BLOB))), 0) FROM customers"),
        count("SELECT COALESCE(MAX(LENGTH(CAST(document AS BLOB))), 0) FROM customers"));
}

/// <summary>Events from in-process ingest (<c>EventIngest</c>) to committed state and dispatched sandbox sends.</summary>
public static class EndToEnd
{
    public const string Section = "End-to-end throughput (SQLite, durable commits)";
    public const int BatchSize = 500;
    public const int Producers = 4;

    public static async Task<RunCounts> InProcessAsync(Scale scale, Results results, string folder)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var workload = Workload.Mixed("inproc", scale.Customers, scale.Events, start);
        results.Details["workload"] = workload.CountByType();
        var events = workload.Parse();

        await using var engine = await EngineHost.StartAsync(Path.Combine(folder, "e2e-inproc.db")).ConfigureAwait(false);
        var gc = GcSnapshot.Take();
        var (ingested, elapsed) = await IngestAndDrainAsync(engine, events).ConfigureAwait(false);
        gc.Report(results, Section, "in-process", events.Count, elapsed);

        var counts = RunCounts.Read(engine.Count, events.Count);
        Report(results, "in-process", counts, elapsed, ingested);
        return counts;
    }

    /// <summary>The peer's workload on an engine that runs only the onboarding journey (the peer implements only that one).</summary>
    public static async Task<double> OnboardingOnlyAsync(Scale scale, Results results, string folder)
    {
        var journeys = Path.Combine(folder, "onboarding-only");
        var source = Path.Combine(AppContext.BaseDirectory, "journeys");
        Directory.CreateDirectory(Path.Combine(journeys, "templates"));
        File.Copy(Path.Combine(source, "onboarding.yaml"), Path.Combine(journeys, "onboarding.yaml"), overwrite: true);
        foreach (var template in Directory.GetFiles(Path.Combine(source, "templates")))
        {
            File.Copy(template, Path.Combine(journeys, "templates", Path.GetFileName(template)), overwrite: true);
        }

        var events = Workload.Mixed("alike", scale.Customers, scale.Events, DateTimeOffset.UtcNow.AddHours(-1), seed: 20250303).Parse();
        await using var engine = await EngineHost.StartAsync(Path.Combine(folder, "e2e-onboarding.db"), new Dictionary<string, string?> { ["PrivateFlows:Journeys:Path"] = journeys }).ConfigureAwait(false);
        var gc = GcSnapshot.Take();
        using var timeline = Environment.GetEnvironmentVariable("BENCH_TIMELINE") is "1" ? new Timeline(engine) : null;
        var (ingested, elapsed) = await IngestAndDrainAsync(engine, events).ConfigureAwait(false);
        gc.Report(results, Peer.PeerBenchmark.Section, "PrivateFlows (onboarding only)", events.Count, elapsed);
        var counts = RunCounts.Read(engine.Count, events.Count);
        var rate = counts.Events / elapsed.TotalSeconds;
        results.Add(Peer.PeerBenchmark.Section, "PrivateFlows (onboarding only): events/s", rate, "events/s",
            $"{counts.Events:N0} events over {counts.Customers:N0} customers in {elapsed.TotalSeconds:F1} s (all accepted after {ingested.TotalSeconds:F1} s), {counts.Messages:N0} sends, {counts.History:N0} history entries; same stream and seed as the peer");
        return rate;
    }

    /// <summary>Feeds the events in and waits until every one is processed: how long until all were accepted, and until done.</summary>
    private static async Task<(TimeSpan Ingested, TimeSpan Elapsed)> IngestAndDrainAsync(EngineHost engine, IReadOnlyList<CustomerEvent> events)
    {
        var watch = Stopwatch.StartNew();
        await engine.IngestAsync(events, BatchSize, Producers).ConfigureAwait(false);
        var ingested = watch.Elapsed;
        await engine.DrainAsync(TimeSpan.FromMinutes(15)).ConfigureAwait(false);
        return (ingested, watch.Elapsed);
    }

    public static void Report(Results results, string via, RunCounts counts, TimeSpan elapsed, TimeSpan ingested)
    {
        var seconds = elapsed.TotalSeconds;
        results.Add(Section, $"{via}: events/s", counts.Events / seconds, "events/s",
            $"{counts.Events:N0} events over {counts.Customers:N0} customers in {seconds:F1} s (all accepted after {ingested.TotalSeconds:F1} s)");
        results.Add(Section, $"{via}: journey steps/s", counts.History / seconds, "steps/s", $"{counts.History:N0} history entries, one per executed step");
        results.Add(Section, $"{via}: sandbox sends/s", counts.Messages / seconds, "sends/s", $"{counts.Messages:N0} messages rendered and recorded");
        results.Add(Section, $"{via}: customer document size (mean)", counts.AvgDocumentBytes, "bytes", $"max {counts.MaxDocumentBytes:N0} bytes");
    }
}

/// <summary>Allocation, garbage collection, CPU and bytes written to storage over a measured interval.</summary>
public sealed record GcSnapshot(long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused, TimeSpan Cpu, long Written)
{
    public static GcSnapshot Take() => new(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(),
        Process.GetCurrentProcess().TotalProcessorTime, WrittenBytes());

    public void Report(Results results, string section, string via, long events, TimeSpan elapsed)
    {
        var now = Take();
        results.Add(section, $"{via}: allocated per event", (now.Allocated - Allocated) / (double)events, "bytes",
            $"GCs gen0/1/2: {now.Gen0 - Gen0}/{now.Gen1 - Gen1}/{now.Gen2 - Gen2}, paused {(now.Paused - Paused).TotalMilliseconds:F0} ms of {elapsed.TotalMilliseconds:F0} ms");
        results.Add(section, $"{via}: CPU per event", (now.Cpu - Cpu).TotalMicroseconds / events, "µs", $"process CPU time over {Environment.ProcessorCount} cores");
        if (now.Written > 0) results.Add(section, $"{via}: written to storage per event", (now.Written - Written) / (double)events, "bytes", "write_bytes of /proc/self/io: the file pages this process dirtied (WAL frames and checkpoint copies), in 4 KiB OS pages");
    }

    /// <summary>Bytes this process caused to be written to storage so far (Linux); 0 where it cannot tell.</summary>
    private static long WrittenBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/self/io").FirstOrDefault(l => l.StartsWith("write_bytes:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.AsSpan("write_bytes:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
