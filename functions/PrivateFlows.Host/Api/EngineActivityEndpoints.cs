using System.Diagnostics.Metrics;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Timers;

namespace PrivateFlows.Host.Api;

/// <summary>What the engine is doing, for the dashboard: the host's time, the timers due soonest, and throughput.</summary>
public static class EngineActivityEndpoints
{
    public sealed record TimersView(DateTimeOffset Now, long Total, IReadOnlyList<DueTimer> Timers);

    /// <summary>The host's now (the virtual clock's when it runs one), which the dashboard measures "in 2 days" and "3 hours ago" from.</summary>
    public sealed record HostTime(DateTimeOffset Now, string Mode);

    public static WebApplication MapEngineActivityEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var throughput = new ThroughputMonitor(app.Services.GetRequiredService<IMeterFactory>());
        app.Lifetime.ApplicationStopping.Register(throughput.Dispose);
        var group = DashboardEndpoints.Group(app);

        group.MapGet("/clock", (TimeProvider clock, IServiceProvider services) =>
                TypedResults.Ok(new HostTime(clock.GetUtcNow(), services.GetService<VirtualTime>() is null ? "real" : "virtual")))
            .RequireAuthorization(Policies.MarketerOrOps)
            .WithSummary("The host's time (virtual or real): what the dashboard's relative times are measured from");

        group.MapGet("/timers", async (IEngineStatus engine, ITimerIndex timerIndex, TimeProvider clock, CancellationToken ct, int? limit) =>
            {
                var status = await engine.ReadStatusAsync(ct);
                var timers = await timerIndex.ReadEarliestTimersAsync(Math.Clamp(limit ?? 50, 1, 1000), ct);
                return TypedResults.Ok(new TimersView(clock.GetUtcNow(), status.Timers, timers));
            })
            .RequireAuthorization(Roles.Ops)
            .WithSummary("The earliest timers in the index (soonest first) and how many there are");

        group.MapGet("/throughput", () => TypedResults.Ok(throughput.Read()))
            .RequireAuthorization(Roles.Ops)
            .WithSummary("Inputs processed, parked (errors), events accepted and sends per 10-second bucket over the last 15 minutes");

        return app;
    }
}
