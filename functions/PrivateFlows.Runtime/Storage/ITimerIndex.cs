namespace PrivateFlows.Runtime.Storage;

/// <summary>The durable timers, by due time.</summary>
public interface ITimerIndex
{
    /// <summary>The earliest timers, soonest first.</summary>
    Task<IReadOnlyList<DueTimer>> ReadEarliestTimersAsync(int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DueTimer>> ReadTimersAsync(string customerId, CancellationToken cancellationToken = default);
}
