namespace PrivateFlows.Runtime.Timers;

/// <summary>
/// Wakes the timer service early when a timer is scheduled before the moment it sleeps until.
/// The service arms the alarm before it reads the timer index, so no schedule can slip between the read and the sleep.
/// </summary>
public sealed class TimerAlarm
{
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sleepingUntil = long.MaxValue;

    /// <summary>Called before reading the index: returns the task that completes on the next ring.</summary>
    public Task Arm()
    {
        Volatile.Write(ref _sleepingUntil, long.MaxValue);
        return Volatile.Read(ref _wake).Task;
    }

    /// <summary>Called after reading the index: only timers due before <paramref name="until"/> ring from now on.</summary>
    public void SleepUntil(DateTimeOffset? until) => Volatile.Write(ref _sleepingUntil, until?.UtcTicks ?? long.MaxValue);

    public void Scheduled(DateTimeOffset dueAt)
    {
        if (dueAt.UtcTicks < Volatile.Read(ref _sleepingUntil)) Ring();
    }

    public void Ring()
    {
        var previous = Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }
}
