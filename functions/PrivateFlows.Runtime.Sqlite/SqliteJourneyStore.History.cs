using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    private const string HistoryColumns = "seq, id, instance_id, journey, time, kind, step, detail";

    public Task<HistoryPage> ReadInstanceHistoryAsync(string instanceId, long after, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c => Page(Query(c,
            $"SELECT {HistoryColumns} FROM history WHERE instance_id = $key AND seq > $after ORDER BY seq LIMIT $limit",
            MapHistory, ("$key", instanceId), ("$after", after), ("$limit", limit + 1)), limit)));

    public Task<HistoryPage> ReadCustomerHistoryAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c => Page(Query(c,
            $"SELECT {HistoryColumns} FROM history WHERE customer_id = $key AND seq > $after ORDER BY seq LIMIT $limit",
            MapHistory, ("$key", customerId), ("$after", after), ("$limit", limit + 1)), limit)));

    public Task<string?> FindInstanceCustomerAsync(string instanceId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c => Scalar(c, "SELECT customer_id FROM history WHERE instance_id = $id LIMIT 1", ("$id", instanceId)) as string));

    private static (long Seq, HistoryEntry Entry) MapHistory(SqliteDataReader r) =>
        (r.GetInt64(0), new HistoryEntry(r.GetString(1), r.GetString(2), r.GetString(3), StoredTime.Parse(r.GetString(4)), Parse<HistoryKind>(r.GetString(5)), Text(r, 6), r.GetString(7)));

    private static HistoryPage Page(List<(long Seq, HistoryEntry Entry)> rows, int limit)
    {
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new HistoryPage([.. rows.Select(r => r.Entry)], more ? rows[^1].Seq : null);
    }
}
