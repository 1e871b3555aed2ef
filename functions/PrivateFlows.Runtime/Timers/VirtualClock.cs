namespace PrivateFlows.Runtime.Timers;

/// <summary>
/// The host's wall clock in virtual clock mode: it stands still until <see cref="VirtualTime"/> moves it forward, and
/// never goes back. Everything that reads the time through <see cref="TimeProvider"/> sees it — decisions, timers,
/// inbox timestamps, event default times, publish times. Only the wall clock is virtual: timestamps for measuring
/// elapsed time and <see cref="TimeProvider.CreateTimer"/> (timeouts, retry back-off, <c>Task.Delay</c>) stay real,
/// so an HTTP retry waits its real back-off instead of waiting for someone to advance the clock.
/// </summary>
public sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <summary>Moves the clock to <paramref name="to"/> if that is later; returns whether it moved.</summary>
    public bool MoveTo(DateTimeOffset to)
    {
        var target = to.UtcTicks;
        while (true)
        {
            var current = Interlocked.Read(ref _utcTicks);
            if (target <= current) return false;
            if (Interlocked.CompareExchange(ref _utcTicks, target, current) == current) return true;
        }
    }
}
