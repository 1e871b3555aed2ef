using System.Text.Json;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    /// <summary>One statement for any number of ids (a JSON array parameter), so its text never changes.</summary>
    private const string SelectEventsById = $"SELECT {EventColumns} FROM events WHERE id IN (SELECT value FROM json_each($ids)) AND length(body) > 0";

    public Task<IReadOnlyList<PendingEvent>> ReadPendingEventIdsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PendingEvent>>(Read(c =>
            Query(c, "SELECT e.id, e.customer_id FROM inbox_pending p JOIN events e ON e.seq = p.seq ORDER BY p.seq", r => new PendingEvent(r.GetString(0), r.GetString(1)))));

    public Task<IReadOnlyList<CustomerEvent>> ReadAcceptedEventsAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        if (eventIds.Count == 0) return Task.FromResult<IReadOnlyList<CustomerEvent>>([]);
        var ids = JsonSerializer.Serialize(eventIds);
        return Task.FromResult<IReadOnlyList<CustomerEvent>>(Read(c => Query(c, SelectEventsById, r => ReadEvent(r, 0) ?? throw new InvalidDataException("an accepted event without its body"), ("$ids", ids))));
    }
}
