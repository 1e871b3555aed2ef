namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// A page of due timers in the index's own order, with the cursor to read on from, so a reader that pages through a
/// burst never reads again the timers it already has. <paramref name="NextDueAt"/> is the earliest timer due after the
/// page's "now", given only when the page came back short (nothing more was due): it is when to look again.
/// </summary>
public sealed record DueTimerPage(IReadOnlyList<DueTimer> Timers, TimerCursor? Next, DateTimeOffset? NextDueAt);

/// <summary>
/// A position in the timer index: its due time and the store's own tie-breaker among timers due at the same instant
/// (opaque to callers; valid while the store runs, which is all a reader keeps it for).
/// </summary>
public readonly record struct TimerCursor(DateTimeOffset DueAt, long Position)
{
    /// <summary>Before every timer due at <paramref name="dueAt"/>: a reader set back here reads them all again.</summary>
    public static TimerCursor Before(DateTimeOffset dueAt) => new(dueAt, long.MinValue);
}
