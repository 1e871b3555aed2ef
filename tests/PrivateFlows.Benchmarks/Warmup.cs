namespace PrivateFlows.Benchmarks;

/// <summary>Runs a small workload through a throw-away engine so that the measured runs start with the code JIT-compiled.</summary>
public static class Warmup
{
    public static async Task RunAsync(Scale scale, string folder)
    {
        var workload = Workload.Mixed("warm", Math.Max(1, scale.WarmupEvents / 5), scale.WarmupEvents, DateTimeOffset.UtcNow.AddHours(-1), seed: 1);
        await using var engine = await EngineHost.StartAsync(Path.Combine(folder, "warmup.db")).ConfigureAwait(false);
        await engine.IngestAsync(workload.Parse(), EndToEnd.BatchSize, EndToEnd.Producers).ConfigureAwait(false);
        await engine.DrainAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false);
    }
}
