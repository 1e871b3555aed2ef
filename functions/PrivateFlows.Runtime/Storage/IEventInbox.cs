using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Storage;

/// <summary>The inbox of customer events and, kept afterwards, each customer's timeline.</summary>
public interface IEventInbox
{
    /// <summary>Durably accepts events (one transaction); returns the ids that were new (duplicates are ignored).</summary>
    Task<IReadOnlyList<string>> AcceptEventsAsync(IReadOnlyList<CustomerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    /// <summary>Accepted events not processed yet, oldest first (for recovery at start-up).</summary>
    Task<IReadOnlyList<CustomerEvent>> ReadPendingEventsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The id and customer of each accepted event not processed yet, oldest first: recovery queues them by id, so a
    /// large backlog left by a crash is not all in memory at once.
    /// </summary>
    Task<IReadOnlyList<PendingEvent>> ReadPendingEventIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The accepted events among <paramref name="eventIds"/> whose body is still kept, in any order (a step reads the
    /// bodies of the events it was queued by id only).
    /// </summary>
    Task<IReadOnlyList<CustomerEvent>> ReadAcceptedEventsAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TimelineEvent>> ReadEventsAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default);

    Task<EventStatus?> ReadEventStatusAsync(string eventId, CancellationToken cancellationToken = default);
}
