namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// Durable timers have millisecond resolution: every store keeps a timer's due time as whole milliseconds (SQLite and
/// Cosmos DB index them as Unix milliseconds). The decider therefore schedules every timer at a whole millisecond,
/// rounding up — never before the moment asked for — so the timer fires at exactly the instant the decider (and the
/// simulator) expects, whatever the store. Events may carry finer times (a producer's <c>DateTimeOffset.UtcNow</c>
/// has 100 ns ticks); only timers are rounded.
/// </summary>
public static class TimerDue
{
    public static DateTimeOffset RoundUp(DateTimeOffset due)
    {
        var extra = due.UtcTicks % TimeSpan.TicksPerMillisecond;
        return extra == 0 ? due : due.AddTicks(TimeSpan.TicksPerMillisecond - extra);
    }
}
