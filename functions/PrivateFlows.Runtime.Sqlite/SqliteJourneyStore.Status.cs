using System.Globalization;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    public Task<StoreStatus> ReadStatusAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c =>
        {
            long Count(string sql) => Convert.ToInt64(Scalar(c, sql), CultureInfo.InvariantCulture);
            var next = Scalar(c, "SELECT MIN(due_at) FROM timers");
            var pages = Count("PRAGMA page_count") * Count("PRAGMA page_size");
            var wal = new FileInfo(FilePath + "-wal");
            return new StoreStatus(
                Count("SELECT COUNT(*) FROM customers"),
                Count("SELECT COUNT(*) FROM inbox_pending"),
                Count("SELECT COUNT(*) FROM customers WHERE pending > 0"),
                Count("SELECT COUNT(*) FROM timers"),
                next is long ms ? StoredTime.FromMillis(ms) : null,
                Count("SELECT COUNT(*) FROM poison WHERE status = 'parked'"),
                pages + (wal.Exists ? wal.Length : 0));
        }));
}
