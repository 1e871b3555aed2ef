namespace PrivateFlows.Runtime.Timers;

/// <summary>
/// Wakes the timer service early when a timer is scheduled before the moment it sleeps until.
/// The service arms the alarm before it reads the timer index, so no schedule can slip between the read and the sleep.
/// It also remembers the earliest due time scheduled since the service last asked: the service reads on from a cursor,
/// and a timer scheduled behind that cursor must send it back.
/// </summary>
public sealed class TimerAlarm
{
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sleepingUntil = long.MaxValue;
    private long _earliestScheduled = long.MaxValue;

    /// <summary>Called before reading the index: returns the task that completes on the next ring.</summary>
    public Task Arm()
    {
        Volatile.Write(ref _sleepingUntil, long.MaxValue);
        return Volatile.Read(ref _wake).Task;
    }

    /// <summary>Called after reading the index: only timers due before <paramref name="until"/> ring from now on.</summary>
    public void SleepUntil(DateTimeOffset? until) => Volatile.Write(ref _sleepingUntil, until?.UtcTicks ?? long.MaxValue);

    /// <summary>Called after a timer was written to the index.</summary>
    public void Scheduled(DateTimeOffset dueAt)
    {
        var ticks = dueAt.UtcTicks;
        var seen = Volatile.Read(ref _earliestScheduled);
        while (ticks < seen)
        {
            var was = Interlocked.CompareExchange(ref _earliestScheduled, ticks, seen);
            if (was == seen) break;
            seen = was;
        }

        if (ticks < Volatile.Read(ref _sleepingUntil)) Ring();
    }

    /// <summary>The earliest due time scheduled since the last call (null: none), and forgets it.</summary>
    public DateTimeOffset? TakeEarliestScheduled()
    {
        var ticks = Interlocked.Exchange(ref _earliestScheduled, long.MaxValue);
        return ticks == long.MaxValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    public void Ring()
    {
        var previous = Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }
}
