using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// Drops the bodies of processed inbox events older than <see cref="SqliteOptions.EventBodyRetentionDays"/>, at
/// start-up and then hourly: a waiting customer's old events are most of the inbox's bytes, and nothing reads them
/// but the timeline (which then says the body was dropped).
/// </summary>
public sealed class EventBodyRetention(SqliteJourneyStore store, IOptions<SqliteOptions> options, TimeProvider clock, ILogger<EventBodyRetention> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var days = options.Value.EventBodyRetentionDays;
        if (days == 0) return;
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            var dropped = await store.DropEventBodiesAsync(clock.GetUtcNow().AddDays(-days), stoppingToken).ConfigureAwait(false);
            if (dropped > 0) log.LogInformation("Dropped the bodies of {Count} processed events older than {Days} days", dropped, days);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
