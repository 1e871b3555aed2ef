namespace PrivateFlows.Runtime.Storage;

/// <summary>The durable timers, by due time.</summary>
public interface ITimerIndex
{
    /// <summary>The earliest timers, soonest first.</summary>
    Task<IReadOnlyList<DueTimer>> ReadEarliestTimersAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Timers due by <paramref name="now"/> after <paramref name="after"/> (null: from the first), at most
    /// <paramref name="limit"/>, in due order, with the cursor of the last one; each page costs a seek, not a re-read.
    /// </summary>
    Task<DueTimerPage> ReadDueTimersAsync(DateTimeOffset now, TimerCursor? after, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DueTimer>> ReadTimersAsync(string customerId, CancellationToken cancellationToken = default);
}
