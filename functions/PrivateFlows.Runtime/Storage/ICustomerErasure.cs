namespace PrivateFlows.Runtime.Storage;

/// <summary>Erasure (GDPR/PIPL) and its tombstones.</summary>
public interface ICustomerErasure
{
    /// <summary>
    /// Erases everything kept about a customer (GDPR/PIPL): document, events, history, timers, messages, ledgers,
    /// poison, referral links. Leaves a tombstone (a hash of the id, written even when nothing was there) so late
    /// inputs are dropped instead of recreating the customer, and keeps the customer's journey facts anonymised.
    /// Returns false when nothing was there.
    /// </summary>
    Task<bool> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Whether <see cref="EraseCustomerAsync"/> left a tombstone for the id (late inputs for it are dropped, not processed).</summary>
    Task<bool> IsErasedAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Drops a late input for an erased customer: the inbox row or timer is deleted, and the drop counted.</summary>
    Task DropErasedInputAsync(string customerId, string? eventId, string? timerId, CancellationToken cancellationToken = default);

    Task<ErasureCounters> ReadErasureCountersAsync(CancellationToken cancellationToken = default);
}
