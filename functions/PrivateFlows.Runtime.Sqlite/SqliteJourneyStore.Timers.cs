using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    public Task<IReadOnlyList<DueTimer>> ReadEarliestTimersAsync(int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DueTimer>>(Read(c => Query(c,
            "SELECT id, customer_id, instance_id, due_at FROM timers ORDER BY due_at, id LIMIT $limit", MapTimer, ("$limit", limit))));

    public Task<DueTimerPage> ReadDueTimersAsync(DateTimeOffset now, TimerCursor? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return Task.FromResult(Read(c =>
        {
            // Two seeks on the due-time index (whose entries end in the rowid): the rest of the cursor's instant, then
            // the instants after it. One "(due_at, rowid) > (…)" would scan every timer of a large instant on each page.
            var timers = new List<DueTimer>(Math.Min(limit, 4096));
            var last = after;
            var nowMillis = StoredTime.Millis(now);
            if (after is { } cursor)
            {
                last = ReadDuePart(c, "due_at = $due AND rowid > $position AND due_at <= $now ORDER BY rowid", StoredTime.Millis(cursor.DueAt), cursor.Position, nowMillis, limit, timers) ?? last;
            }

            if (timers.Count < limit)
            {
                var where = after is null ? "due_at <= $now" : "due_at > $due AND due_at <= $now";
                last = ReadDuePart(c, where + " ORDER BY due_at, rowid", after is { } a ? StoredTime.Millis(a.DueAt) : 0, 0, nowMillis, limit - timers.Count, timers) ?? last;
            }

            DateTimeOffset? nextDue = null;
            if (timers.Count < limit && Scalar(c, "SELECT MIN(due_at) FROM timers WHERE due_at > $now", ("$now", nowMillis)) is long next) nextDue = StoredTime.FromMillis(next);
            return new DueTimerPage(timers, last, nextDue);
        }));
    }

    private static TimerCursor? ReadDuePart(Microsoft.Data.Sqlite.SqliteConnection connection, string condition, long due, long position, long now, int limit, List<DueTimer> into)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid, id, customer_id, instance_id, due_at FROM timers WHERE " + condition + " LIMIT $limit";
        command.Parameters.AddWithValue("$due", due);
        command.Parameters.AddWithValue("$position", position);
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        TimerCursor? last = null;
        while (reader.Read())
        {
            var timer = new DueTimer(reader.GetString(1), reader.GetString(2), reader.GetString(3), StoredTime.FromMillis(reader.GetInt64(4)));
            into.Add(timer);
            last = new TimerCursor(timer.DueAt, reader.GetInt64(0));
        }

        return last;
    }

    public Task<IReadOnlyList<DueTimer>> ReadTimersAsync(string customerId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DueTimer>>(Read(c => Query(c,
            "SELECT id, customer_id, instance_id, due_at FROM timers WHERE customer_id = $customer ORDER BY due_at, id", MapTimer, ("$customer", customerId))));

    private static DueTimer MapTimer(Microsoft.Data.Sqlite.SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), StoredTime.FromMillis(r.GetInt64(3)));
}
