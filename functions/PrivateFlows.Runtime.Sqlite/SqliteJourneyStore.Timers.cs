using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    public Task<IReadOnlyList<DueTimer>> ReadEarliestTimersAsync(int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DueTimer>>(Read(c => Query(c,
            "SELECT id, customer_id, instance_id, due_at FROM timers ORDER BY due_at, id LIMIT $limit", MapTimer, ("$limit", limit))));

    public Task<IReadOnlyList<DueTimer>> ReadTimersAsync(string customerId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DueTimer>>(Read(c => Query(c,
            "SELECT id, customer_id, instance_id, due_at FROM timers WHERE customer_id = $customer ORDER BY due_at, id", MapTimer, ("$customer", customerId))));

    private static DueTimer MapTimer(Microsoft.Data.Sqlite.SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), StoredTime.FromMillis(r.GetInt64(3)));
}
