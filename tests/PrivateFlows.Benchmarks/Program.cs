using System.Diagnostics;
using System.Runtime.InteropServices;
using PrivateFlows.Benchmarks;

if (args.Contains("--micro-document"))
{
    DocumentJson.Run([.. args.Where(a => a != "--micro-document")]);
    return 0;
}

if (args.SkipWhile(a => a != "--micro-compression").Skip(1).FirstOrDefault() is { } store)
{
    CompressionCosts.Run(store);
    return 0;
}

if (args.Contains("--micro"))
{
    StepParts.Run([.. args.Where(a => a != "--micro")]);
    return 0;
}

var quick = args.Contains("--quick");
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
var keep = args.Contains("--keep");
var scale = quick ? Scale.Quick : Scale.Full;
if (Option("--events") is { } events) scale = scale with { Events = events };
if (Option("--customers") is { } customers) scale = scale with { Customers = customers };
if (Option("--timers") is { } timers) scale = scale with { TimerInstances = timers };
if (Option("--spread-seconds") is { } spread) scale = scale with { TimerSpread = TimeSpan.FromSeconds(spread) };
if (Option("--burst") is { } burst) scale = scale with { BurstTimers = burst };
if (Option("--burst-seconds") is { } burstSpread) scale = scale with { BurstSpread = TimeSpan.FromSeconds(burstSpread) };
var root = FindRepository();
var work = Path.Combine(Path.GetTempPath(), $"privateflows-bench-{Environment.ProcessId}");
Directory.CreateDirectory(work);

var results = new Results
{
    Mode = scale.Name,
    StartedAt = DateTimeOffset.UtcNow,
    Machine = Machine(),
    Durability = "SQLite WAL, synchronous=NORMAL: every acknowledged commit survives a process crash (kill -9); FULL would also survive power loss at a lower rate",
};

bool Selected(string name) => only is null || only.Contains(name);
async Task Step(string name, Func<Task> run)
{
    if (!Selected(name)) return;
    Console.WriteLine($"== {name}");
    var watch = Stopwatch.StartNew();
    try
    {
        await run();
    }
    catch (Exception e)
    {
        results.Failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
        Console.WriteLine(e);
    }

    Console.WriteLine($"   ({watch.Elapsed.TotalSeconds:F1} s)");
    results.FinishedAt = DateTimeOffset.UtcNow;
    results.Write(root);
}

RunCounts? e2e = null;
double inProcessRate = 0, httpRate = 0;
await Step("warmup", () => Warmup.RunAsync(scale, work));
await Step("e2e", async () =>
{
    e2e = await EndToEnd.InProcessAsync(scale, results, work);
    inProcessRate = results.Find(EndToEnd.Section, "in-process: events/s") ?? 0;
});
await Step("costs", () =>
{
    StepCosts.Run(scale, results);
    return Task.CompletedTask;
});
await Step("raw", () =>
{
    RawSqlite.Run(scale, results, work, (int)Math.Max(512, e2e?.AvgDocumentBytes ?? 2048));
    var raw = results.Find("SQLite physical limit", "upserts/s, one upsert per transaction");
    if (raw is > 0 && inProcessRate > 0)
    {
        results.Add(EndToEnd.Section, "in-process events/s ÷ raw SQLite upserts/s", inProcessRate / raw.Value, "ratio", "one upsert per transaction is the physical limit DESIGN.md names; each event here is a full step (read, decide, document + history + timers + ledgers + messages) in group commits");
    }

    return Task.CompletedTask;
});
await Step("http", async () =>
{
    await HttpEndToEnd.RunAsync(scale, results, work);
    httpRate = results.Find(EndToEnd.Section, "HTTP: events/s") ?? 0;
});
if (inProcessRate > 0) results.AddGoal("all five journeys, in-process ingest (issue 19)", "≥ 6,000", inProcessRate, "events/s", inProcessRate >= 6_000);
if (inProcessRate > 0) results.AddGoal("end-to-end events/s (in-process ingest)", "≥ 10,000", inProcessRate, "events/s", inProcessRate >= 10_000);
if (httpRate > 0) results.AddGoal("end-to-end events/s (HTTP ingest)", "≥ 10,000", httpRate, "events/s", httpRate >= 10_000);
await Step("peer", async () =>
{
    var peer = await PrivateFlows.Benchmarks.Peer.PeerBenchmark.RunAsync(scale, results, work, inProcessRate);
    // Like for like: PrivateFlows with only the onboarding journey on the same event stream as the peer.
    var alike = await EndToEnd.OnboardingOnlyAsync(scale, results, work);
    results.Add(PrivateFlows.Benchmarks.Peer.PeerBenchmark.Section, "PrivateFlows (onboarding only) : peer", alike / peer, "×",
        "the same journey on both sides; PrivateFlows still keeps the profile, loyalty ledger and history on every event, and its waits are durable timers in the store");
    results.AddGoal("PrivateFlows ÷ MassTransit peer, onboarding only on both sides (issue 19)", "≥ 2×", alike / peer, "×", alike / peer >= 2);
    results.AddGoal("PrivateFlows ÷ MassTransit peer (onboarding only on both sides)", "≥ 5×", alike / peer, "×", alike / peer >= 5);
    if (inProcessRate > 0) results.AddGoal("PrivateFlows (all five journeys) ÷ MassTransit peer (onboarding)", "≥ 5×", inProcessRate / peer, "×", inProcessRate / peer >= 5);
});
// On demand only (--only warmup,alike): the onboarding-only run three times, without the peer, to compare engine changes.
if (only?.Contains("alike") == true)
{
    await Step("alike", async () =>
    {
        for (var i = 0; i < 3; i++) Console.WriteLine($"   onboarding only: {await EndToEnd.OnboardingOnlyAsync(scale, results, Path.Combine(work, $"alike-{i}")):F0} events/s");
    });
}

await Step("cosmos", () =>
{
    CosmosCost.Run(scale, results);
    return Task.CompletedTask;
});
await Step("burst", () => TimersAndFootprint.RunBurstAsync(scale, results, work));
await Step("timers", () => TimersAndFootprint.RunAsync(scale, results, work, scale.IsQuick ? TimeSpan.FromSeconds(15) : TimeSpan.FromMinutes(5)));

results.FinishedAt = DateTimeOffset.UtcNow;
results.Write(root);
Console.WriteLine($"wrote {Path.Combine(root, "bench-results.json")} and bench-results.md");
if (!keep) Directory.Delete(work, recursive: true);
return results.Failures.Count == 0 ? 0 : 1;

int? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : null;

static string FindRepository()
{
    var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PrivateFlows.sln"))) dir = dir.Parent;
    return dir?.FullName ?? Directory.GetCurrentDirectory();
}

static string Machine()
{
    var cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
    var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
    return $"{Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), {memory:F0} GiB RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
}
