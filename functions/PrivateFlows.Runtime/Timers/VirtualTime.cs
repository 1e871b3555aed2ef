using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Timers;

/// <summary>
/// Moves the virtual clock and fires the timers that fall due on the way, in due-time order, as a real clock would:
/// first everything already queued is processed at the current instant, then the clock steps to the next due timer,
/// fires every timer due at that instant and waits until their steps — sends, new timers, everything they cause — are
/// committed, and so on until the target; then the clock stands at the target. A timer due at the same instant as an
/// event posted after the advance fires first. In this mode the in-process timer loop does not run: timers fire here,
/// at start-up (those already due) and on every advance.
/// </summary>
public sealed class VirtualTime(
    VirtualClock clock,
    ITimerIndex store,
    CustomerQueues queues,
    VirtualClockOptions options,
    ILogger<VirtualTime> log) : IHostedService
{
    private const int BatchSize = 64;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _catchUp = Task.CompletedTask;

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Moves the clock to <paramref name="target"/>; fails when that is before the clock's current time.</summary>
    public Task<AdvanceResult> AdvanceToAsync(DateTimeOffset target, CancellationToken cancellationToken = default) =>
        AdvanceAsync(now => target >= now ? target : throw new ClockMovesForwardException(now, target), cancellationToken);

    /// <summary>Moves the clock forward by <paramref name="by"/> (from where it stands when the advance begins).</summary>
    public Task<AdvanceResult> AdvanceByAsync(TimeSpan by, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        return AdvanceAsync(now => now + by, cancellationToken);
    }

    private async Task<AdvanceResult> AdvanceAsync(Func<DateTimeOffset, DateTimeOffset> targetFrom, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var ct = linked.Token;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await queues.Ready.WaitAsync(ct).ConfigureAwait(false);
            // Inputs posted before the advance happen now, before time moves.
            await queues.WhenIdleAsync(ct).ConfigureAwait(false);
            var from = Now;
            var target = targetFrom(from);
            var fired = await FireUntilAsync(target, ct).ConfigureAwait(false);
            clock.MoveTo(target);
            if (Now > from) Save();
            await queues.WhenIdleAsync(ct).ConfigureAwait(false);
            if (target > from || fired > 0) log.LogInformation("Virtual clock advanced from {From:o} to {To:o}; {Timers} timer(s) fired", from, Now, fired);
            return new AdvanceResult(Now, fired);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Fires every timer due by <paramref name="target"/>, stepping the clock to each due instant in turn.</summary>
    private async Task<int> FireUntilAsync(DateTimeOffset target, CancellationToken ct)
    {
        var fired = 0;
        // A timer that is still in the index after its step ran (the step failed and left it for a later retry)
        // is not fired again by the same advance, so a failing step cannot hold the clock forever.
        var firedHere = new HashSet<string>(StringComparer.Ordinal);
        var stuck = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            await queues.WhenIdleAsync(ct).ConfigureAwait(false);
            var limit = stuck.Count + BatchSize;
            var timers = await store.ReadEarliestTimersAsync(limit, ct).ConfigureAwait(false);
            foreach (var t in timers.Where(t => firedHere.Contains(t.TimerId))) stuck.Add(t.TimerId);
            var next = timers.FirstOrDefault(t => !firedHere.Contains(t.TimerId));
            if (next is null && timers.Count >= limit) continue; // a page of stuck timers only: read further
            if (next is null || next.DueAt > target) return fired;

            clock.MoveTo(next.DueAt);
            var now = Now;
            foreach (var timer in timers)
            {
                if (timer.DueAt > now) break;
                if (!firedHere.Add(timer.TimerId)) continue;
                queues.Post(StepRequest.ForTimer(timer)); // one customer's timers stay in this (due, id) order on its worker
                fired++;
            }
        }
    }

    private void Save()
    {
        if (options.StateFile is not { } file) return;
        try
        {
            var folder = Path.GetDirectoryName(file);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            var temp = file + ".tmp";
            File.WriteAllText(temp, Now.ToString("o", CultureInfo.InvariantCulture));
            File.Move(temp, file, overwrite: true);
        }
        catch (IOException e)
        {
            log.LogWarning(e, "Could not remember the virtual clock in {File}", file);
        }
        catch (UnauthorizedAccessException e)
        {
            log.LogWarning(e, "Could not remember the virtual clock in {File}", file);
        }
    }

    /// <summary>The instant a virtual clock resumes from: the later of the configured start and the remembered clock.</summary>
    public static (DateTimeOffset Start, bool Resumed) StartOf(VirtualClockOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.StateFile is { } file && File.Exists(file)
            && DateTimeOffset.TryParse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var saved)
            && saved > options.Start)
        {
            return (saved.ToUniversalTime(), true);
        }

        return (options.Start, false);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var (_, resumed) = StartOf(options);
        log.LogWarning(
            "Virtual clock mode: the clock stands at {Now:o} ({Origin}) and moves only with POST /api/clock/advance",
            Now,
            resumed ? $"resumed from {options.StateFile}" : "start");
        Save();
        // Timers already due (left from before a restart) fire at once, as after a restart on the real clock.
        _catchUp = Task.Run(async () =>
        {
            try
            {
                var result = await AdvanceAsync(now => now, CancellationToken.None).ConfigureAwait(false);
                if (result.TimersFired > 0) log.LogInformation("Fired {Timers} overdue timer(s) at start-up", result.TimersFired);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // stopping
            }
            catch (Exception e)
            {
                log.LogError(e, "Firing overdue timers at start-up failed; the next advance fires them");
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _catchUp.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    // _stopping and _gate are not disposed: a host stopped twice at once (WebApplication.Run and its test factory both
    // stop it) may call StopAsync after disposing the services, and neither holds anything that needs releasing.
}

/// <summary>The clock after an advance, and how many timers fired on the way.</summary>
public sealed record AdvanceResult(DateTimeOffset Now, int TimersFired);

/// <summary>An advance to an instant before the virtual clock's current time.</summary>
public sealed class ClockMovesForwardException(DateTimeOffset now, DateTimeOffset target)
    : InvalidOperationException($"the virtual clock is at {now:o}; it moves forward only, not back to {target:o}")
{
    public DateTimeOffset Now { get; } = now;

    public DateTimeOffset Target { get; } = target;
}
