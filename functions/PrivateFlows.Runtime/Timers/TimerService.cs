using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Timers;

/// <summary>
/// Fires durable timers: sleeps until the earliest due time in the index (woken early when a nearer timer is
/// scheduled), then hands the due timers to their customers' workers as <c>TimerFired</c> inputs. A timer leaves
/// the index in the same commit as the step that consumed it, so after a restart unfired timers fire again,
/// late ones at once. Stale timers are harmless: the decider ignores them.
/// <para>
/// A burst is read in pages from a cursor in due order (oldest first, never re-reading what is handed out), with at
/// most <see cref="ProcessingOptions.MaxTimersInFlight"/> steps in flight. All of a customer's timers due at one
/// instant are one step: the decider decides them together and cancels the others, so only the first is posted; the
/// others ride along and are posted after it only if that step left them in the index.
/// </para>
/// </summary>
public sealed class TimerService(
    ITimerIndex store,
    CustomerQueues queues,
    TimerAlarm alarm,
    TimeProvider clock,
    IOptions<ProcessingOptions> options,
    ILogger<TimerService> log) : BackgroundService, IStepWatcher
{
    private const int PageSize = 1000;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How far a real clock may move while a sleep is registered (a virtual or test clock moves in jumps).</summary>
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMilliseconds(1);
    private readonly Lock _gate = new();
    private readonly Dictionary<CustomerInstant, FiredGroup> _inFlight = [];
    private HashSet<string> _cancelled = new(StringComparer.Ordinal);
    private HashSet<string> _cancelledBefore = new(StringComparer.Ordinal);
    private TimerCursor? _cursor;
    private bool _rewind;
    private bool _saturated;

    /// <summary>Timer steps handed to workers and not processed yet (a customer's timers due together count once).</summary>
    public int InFlight
    {
        get
        {
            lock (_gate) return _inFlight.Count;
        }
    }

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
                // The back-off is real time: on a virtual or test clock that stands still, a second on that clock could
                // be never, and every timer would wait for someone to move the clock.
                await Task.Delay(RetryDelay, TimeProvider.System, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task TickAsync(CancellationToken stoppingToken)
    {
        var wake = alarm.Arm();
        var settings = options.Value;
        var max = settings.MaxTimersInFlight;
        var now = clock.GetUtcNow();
        TimerCursor? from;
        int room;
        bool full;
        lock (_gate)
        {
            var scheduled = alarm.TakeEarliestScheduled();
            // Nothing in flight: read from the first timer (nothing handed out is read again, and whatever a failed step
            // left behind is found). A timer scheduled at or behind the cursor sends the cursor back to it.
            if (_rewind || _inFlight.Count == 0) _cursor = null;
            else if (scheduled is { } early && _cursor is { } cursor && early <= cursor.DueAt) _cursor = TimerCursor.Before(early);
            _rewind = false;
            from = _cursor;
            room = Math.Min(max - _inFlight.Count, PageSize);
            // Read in pages, not a timer or two at a time: with little room, wait until half is free (StepDone rings).
            _saturated = full = room <= 0 || (room < Math.Min(PageSize, max / 2) && _inFlight.Count > 0);

            // Cancellations recorded before the previous read began are in what this read sees; newer ones may not be.
            (_cancelledBefore, _cancelled) = (_cancelled, _cancelledBefore);
            _cancelled.Clear();
        }

        if (full)
        {
            await SleepAsync(null, from, wake, settings, stoppingToken).ConfigureAwait(false);
            return;
        }

        var page = await store.ReadDueTimersAsync(now, from, room, stoppingToken).ConfigureAwait(false);
        List<DueTimer>? post = null;
        lock (_gate)
        {
            if (!_rewind) _cursor = page.Next ?? from;
            foreach (var timer in page.Timers)
            {
                if (_cancelled.Contains(timer.TimerId) || _cancelledBefore.Contains(timer.TimerId)) continue; // consumed by a step since the read began
                var key = new CustomerInstant(timer.CustomerId, timer.DueAt);
                if (_inFlight.TryGetValue(key, out var group))
                {
                    if (!group.Has(timer.TimerId)) _inFlight[key] = group.With(timer); // decided by that step
                    continue;
                }

                _inFlight.Add(key, new FiredGroup(timer.TimerId, null));
                (post ??= new List<DueTimer>(page.Timers.Count)).Add(timer);
            }

            _saturated = page.Timers.Count == room && _inFlight.Count >= max;
        }

        if (post is not null)
        {
            foreach (var timer in post) queues.Post(StepRequest.ForTimer(timer, this));
            log.LogDebug("Fired {Count} due timers", post.Count);
        }

        if (page.Timers.Count == room && !Volatile.Read(ref _saturated)) return; // a full page: more may be due, read on at once
        await SleepAsync(page.Timers.Count == room ? null : page.NextDueAt, from, wake, settings, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>Sleeps until <paramref name="next"/> is due (null: the longest sleep), a nearer timer is scheduled, or room frees up.</summary>
    private async Task SleepAsync(DateTimeOffset? next, TimerCursor? cursor, Task wake, ProcessingOptions settings, CancellationToken stoppingToken)
    {
        var maxSleep = settings.MaxTimerSleep > TimeSpan.Zero ? Min(settings.MaxTimerSleep, TimeSpan.FromDays(49)) : TimeSpan.FromMinutes(5);
        // Full (waiting for room): only a timer scheduled at or behind the cursor needs a wake-up, the rest are read on.
        alarm.SleepUntil(next ?? (cursor is { } c ? c.DueAt.AddTicks(1) : null));
        var before = clock.GetUtcNow();
        var sleep = next is { } due ? Min(due - before, maxSleep) : maxSleep;
        using var cancelSleep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(sleep < TimeSpan.Zero ? TimeSpan.Zero : sleep, clock, cancelSleep.Token);
        // The delay counts from the clock as it is when registered. A virtual or test clock that jumped while it was being
        // registered would make it oversleep the next timer by that jump (and a wait that ends at the due time would never
        // see it fire), so when the clock moved meanwhile, look again instead of sleeping.
        var overdue = next is { } nextDue && (before >= nextDue || clock.GetUtcNow() - before > ClockSlack);
        if (!overdue) await Task.WhenAny(delay, wake).ConfigureAwait(false);
        await cancelSleep.CancelAsync().ConfigureAwait(false);
        stoppingToken.ThrowIfCancellationRequested();
    }

    void IStepWatcher.StepDone(StepRequest request, StepOutcome? outcome)
    {
        if (request.Timer is not { } timer) return;
        DueTimer? again = null;
        var ring = false;
        lock (_gate)
        {
            if (outcome is null)
            {
                _rewind = true; // failed without a result: its timer may still be in the index, behind the cursor
                ring = true;
            }
            else
            {
                foreach (var effect in outcome.Effects)
                {
                    if (effect is CancelTimer cancel) _cancelled.Add(cancel.TimerId);
                }
            }

            var key = new CustomerInstant(timer.CustomerId, timer.DueAt);
            if (_inFlight.Remove(key, out var group) && group.Others is { } others)
            {
                // Timers due together that this step did not consume (not the decider's to cancel): the next in id order fires.
                var left = others.Where(o => !_cancelled.Contains(o.TimerId)).OrderBy(o => o.TimerId, StringComparer.Ordinal).ToList();
                if (left.Count > 0)
                {
                    again = left[0];
                    _inFlight.Add(key, new FiredGroup(again.TimerId, left.Count > 1 ? left.GetRange(1, left.Count - 1) : null));
                }
            }

            if (_saturated && _inFlight.Count <= options.Value.MaxTimersInFlight / 2)
            {
                _saturated = false; // refill in pages, not one read per finished step
                ring = true;
            }
        }

        if (again is not null) queues.Post(StepRequest.ForTimer(again, this));
        if (ring) alarm.Ring();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>A customer and an instant: the decider decides everything of the customer's due then in one step.</summary>
    private readonly record struct CustomerInstant(string CustomerId, DateTimeOffset DueAt);

    /// <summary>The timer posted for a customer's instant, and the others due with it that were read meanwhile.</summary>
    private readonly record struct FiredGroup(string TimerId, List<DueTimer>? Others)
    {
        public bool Has(string timerId) => TimerId == timerId || (Others?.Exists(o => o.TimerId == timerId) ?? false);

        public FiredGroup With(DueTimer other) => this with { Others = [.. Others ?? [], other] };
    }
}
