using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    /// <summary>A page cursor is the journal row's seq and the entry's place in it (1-based, so 0 is "from the start").</summary>
    private const int CursorPlaceBits = 24;

    public Task<HistoryPage> ReadInstanceHistoryAsync(string instanceId, long after, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c =>
        {
            using var owner = c.CreateCommand();
            owner.CommandText = "SELECT customer_id, seq FROM journal_instances WHERE instance_id = $id";
            owner.Parameters.AddWithValue("$id", instanceId);
            using var found = owner.ExecuteReader();
            return found.Read() ? Page(c, found.GetString(0), found.GetInt64(1), instanceId, after, limit) : new HistoryPage([], null);
        }));

    public Task<HistoryPage> ReadCustomerHistoryAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c => Page(c, customerId, 0, null, after, limit)));

    public Task<string?> FindInstanceCustomerAsync(string instanceId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c => Scalar(c, "SELECT customer_id FROM journal_instances WHERE instance_id = $id", ("$id", instanceId)) as string));

    /// <summary>
    /// Up to <paramref name="limit"/> entries of the customer's journal (of one instance when <paramref name="instanceId"/>
    /// is set) after the cursor <paramref name="after"/>, in the order they were written. Rows are read from the start
    /// (<paramref name="fromSeq"/>: where the instance first appears) so an entry id written by an earlier step hides a
    /// later copy on every page, as the unique id of one row per entry did.
    /// </summary>
    private static HistoryPage Page(SqliteConnection connection, string customerId, long fromSeq, string? instanceId, long after, int limit)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, entries FROM journal WHERE customer_id = $customer AND seq >= $from ORDER BY seq";
        command.Parameters.AddWithValue("$customer", customerId);
        command.Parameters.AddWithValue("$from", fromSeq);
        using var reader = command.ExecuteReader();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var page = new List<HistoryEntry>(Math.Min(limit, 256));
        long last = 0;
        while (reader.Read())
        {
            var seq = reader.GetInt64(0);
            var entries = JournalEntries.Decode((byte[])reader.GetValue(1));
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                if (!seen.Add(entry.EntryId)) continue;
                var place = (seq << CursorPlaceBits) | (long)(i + 1);
                if (place <= after || (instanceId is not null && !string.Equals(entry.InstanceId, instanceId, StringComparison.Ordinal))) continue;
                if (page.Count == limit) return new HistoryPage(page, last);
                page.Add(entry);
                last = place;
            }
        }

        return new HistoryPage(page, null);
    }
}
