using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Timers;

/// <summary>
/// Fires durable timers: sleeps until the earliest due time in the index (woken early when a nearer timer is
/// scheduled), then hands every due timer to its customer's worker as a <c>TimerFired</c> input. A timer leaves
/// the index in the same commit as the step that consumed it, so after a restart unfired timers fire again,
/// late ones at once. Stale timers are harmless: the decider ignores them.
/// </summary>
public sealed class TimerService(
    ITimerIndex store,
    CustomerQueues queues,
    TimerAlarm alarm,
    TimeProvider clock,
    IOptions<ProcessingOptions> options,
    ILogger<TimerService> log) : BackgroundService
{
    private const int BatchSize = 500;
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private volatile bool _saturated;

    /// <summary>Timers handed to workers and not processed yet.</summary>
    public int InFlight => _inFlight.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await queues.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "Timer loop failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task TickAsync(CancellationToken stoppingToken)
    {
        var wake = alarm.Arm();
        var now = clock.GetUtcNow();
        var max = options.Value.MaxTimersInFlight;
        var maxSleep = options.Value.MaxTimerSleep > TimeSpan.Zero ? Min(options.Value.MaxTimerSleep, TimeSpan.FromDays(49)) : TimeSpan.FromMinutes(5);
        var limit = _inFlight.Count + BatchSize;
        var timers = await store.ReadEarliestTimersAsync(limit, stoppingToken).ConfigureAwait(false);
        DateTimeOffset? next = null;
        var fired = 0;
        _saturated = false;
        foreach (var timer in timers)
        {
            if (_inFlight.ContainsKey(timer.TimerId)) continue;
            if (timer.DueAt > now)
            {
                next = timer.DueAt;
                break;
            }

            if (_inFlight.Count >= max)
            {
                _saturated = true;
                break;
            }

            _inFlight[timer.TimerId] = 0;
            var id = timer.TimerId;
            queues.Post(StepRequest.ForTimer(timer, () => Release(id)));
            fired++;
        }

        if (fired > 0) log.LogDebug("Fired {Count} due timers", fired);
        if (!_saturated && fired > 0 && next is null && timers.Count == limit) return; // more may be due: read on at once
        if (_saturated && _inFlight.Count < max) return;

        alarm.SleepUntil(_saturated ? null : next);
        var sleep = next is { } due && !_saturated ? Min(due - now, maxSleep) : maxSleep;
        using var cancelSleep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(sleep < TimeSpan.Zero ? TimeSpan.Zero : sleep, clock, cancelSleep.Token);
        // The delay counts from the clock as it is when registered. A clock that jumped since `now` was read (the virtual
        // clock, a test clock) would make it oversleep the next timer, so check after registering: no jump slips between.
        var overdue = next is { } nextDue && !_saturated && clock.GetUtcNow() >= nextDue;
        if (!overdue) await Task.WhenAny(delay, wake).ConfigureAwait(false);
        await cancelSleep.CancelAsync().ConfigureAwait(false);
        stoppingToken.ThrowIfCancellationRequested();
    }

    private void Release(string timerId)
    {
        _inFlight.TryRemove(timerId, out _);
        if (_saturated) alarm.Ring();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
