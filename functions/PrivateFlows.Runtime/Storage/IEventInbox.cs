using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Storage;

/// <summary>The inbox of customer events and, kept afterwards, each customer's timeline.</summary>
public interface IEventInbox
{
    /// <summary>Durably accepts events (one transaction); returns the ids that were new (duplicates are ignored).</summary>
    Task<IReadOnlyList<string>> AcceptEventsAsync(IReadOnlyList<CustomerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    /// <summary>Accepted events not processed yet, oldest first (for recovery at start-up).</summary>
    Task<IReadOnlyList<CustomerEvent>> ReadPendingEventsAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TimelineEvent>> ReadEventsAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default);

    Task<EventStatus?> ReadEventStatusAsync(string eventId, CancellationToken cancellationToken = default);
}
