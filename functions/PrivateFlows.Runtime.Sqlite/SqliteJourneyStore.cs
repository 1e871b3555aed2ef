using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Writes go through one writer that groups whatever is queued
/// into one transaction; reads use pooled connections and never wait for writes.
/// </summary>
public sealed partial class SqliteJourneyStore : IJourneyStore, IAsyncDisposable, IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writerConnection;
    private readonly SqliteWriter _writer;
    private readonly SqliteCheckpointer _checkpointer;
    private readonly TimelineIndexer _timeline;
    private readonly TimeProvider _clock;
    private readonly System.Collections.Concurrent.ConcurrentBag<CustomerReader> _customerReaders = [];
    private bool _disposed;
    private long _lastFactSeq; // the seq of the last step_facts row handed out (SqliteJourneyStore.Rows.cs)

    public SqliteJourneyStore(IOptions<SqliteOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _clock = clock;
        FilePath = System.IO.Path.GetFullPath(settings.Path);
        var folder = System.IO.Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        _writerConnection = new SqliteConnection(_connectionString);
        _writerConnection.Open();
        using (var setup = _writerConnection.CreateCommand())
        {
            var synchronous = settings.Synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL";
            // Memory-mapped reads keep the hot pages out of read syscalls, so the page cache can stay at 8 MiB: SQLite
            // walks the whole cache when it resets it, and 64 MiB cost the writer 10% more CPU (9.4 → 8.4 s for 100k
            // events). The WAL file is truncated back to 64 MiB when it is reset after a checkpoint.
            setup.CommandText = $"PRAGMA page_size={PageBytes}; PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA busy_timeout=10000; PRAGMA temp_store=MEMORY; " +
                $"PRAGMA cache_size=-8192; PRAGMA mmap_size={MmapBytes}; PRAGMA journal_size_limit=67108864; " +
                "PRAGMA wal_autocheckpoint=0; " + // checkpoints run beside the writer (SqliteCheckpointer), not inside its commits
                "PRAGMA secure_delete=ON;"; // deleted and replaced rows are zeroed, so an erased customer leaves no bytes behind (FAST left copies in freed pages)
            setup.ExecuteNonQuery();
            var instanceStepsExisted = SqliteSchema.HasTable(_writerConnection, "instance_steps");
            setup.CommandText = SqliteSchema.Create;
            setup.ExecuteNonQuery();
            SqliteSchema.Upgrade(_writerConnection, instanceStepsExisted);
            SqliteSchema.UpgradeKeys(_writerConnection);
            _lastFactSeq = LastFactSeq(_writerConnection);
        }

        _writer = new SqliteWriter(_writerConnection, settings.MaxWritesPerTransaction);
        _checkpointer = new SqliteCheckpointer(_connectionString, _writer);
        _timeline = new TimelineIndexer(_writer, settings.TimelineEvery);
    }

    /// <summary>Adds the events accepted since the last time to the customers' timelines now (it also happens every second).</summary>
    internal Task<long> IndexTimelineAsync(CancellationToken cancellationToken = default) => _timeline.IndexAsync(cancellationToken);

    /// <summary>
    /// The page size of a new file (a file keeps the size it was made with). A step dirties about eight scattered
    /// pages, each written whole to the WAL and again by the checkpoint: at 2 KiB instead of SQLite's 4 KiB the
    /// onboarding-only stream ran 8% faster and wrote 11.5 instead of 14.2 KB per event, for up to 3% more bytes per
    /// waiting instance; customer documents (1 KB on average in the all-journeys benchmark, at most 1.6 KB) still fit in a page. 1 KiB pages would split documents over
    /// overflow pages (docs/benchmarks.md, "Issue 19: the fifth round").
    /// </summary>
    internal const int PageBytes = 2048;

    /// <summary>Memory-mapped I/O per connection (reads come from the OS page cache without a syscall per page).</summary>
    internal const long MmapBytes = 256L << 20;

    /// <summary>How busy the single writer has been so far.</summary>
    internal WriterLoad WriterLoad => _writer.Meter.Load;

    /// <summary>Full path of the database file.</summary>
    public string FilePath { get; }

    private DateTimeOffset Now => _clock.GetUtcNow();

    private T Read<T>(Func<SqliteConnection, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return read(connection);
    }

    private static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read()) list.Add(map(reader));
        return list;
    }

    private static object? Scalar(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command.ExecuteScalar();
    }

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _timeline.DisposeAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _checkpointer.DisposeAsync().ConfigureAwait(false);
        while (_customerReaders.TryTake(out var reader)) reader.Dispose();
        await _writerConnection.DisposeAsync().ConfigureAwait(false);
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
