using Microsoft.Data.Sqlite;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// Copies the WAL back into the database file from its own connection and thread. SQLite's automatic checkpoint
/// would run inside the writer's commit (and fsync there), stalling every queued step behind it; here the single
/// writer only appends to the WAL. PASSIVE never blocks the writer or readers, but under a steady stream of writes
/// it never catches up completely, and the WAL only starts from its beginning again after a checkpoint that did.
/// So when the WAL passes <see cref="RestartFrames"/>, the writer is asked to run a RESTART checkpoint between two
/// of its transactions (from here it would wait for a writer that is never idle): it only copies the last frames,
/// PASSIVE copied the rest, and the WAL starts over.
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    // Physical I/O pacing, not business time: the engine's TimeProvider may be a virtual or fake clock.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// WAL frames (pages) beyond which the checkpointer restarts the WAL: 32 MiB with the 2 KiB pages of a new file,
    /// 64 MiB in a file made with 4 KiB pages (a restart at 256 MiB measured no faster).
    /// </summary>
    internal const int RestartFrames = 16_384;

    private readonly SqliteConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private readonly SqliteWriter _writer;

    public SqliteCheckpointer(string connectionString, SqliteWriter writer)
    {
        _writer = writer;
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _loop = Task.Factory.StartNew(LoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (Checkpoint(_connection, "PASSIVE") > RestartFrames) _writer.RestartWal();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Runs one checkpoint; returns the WAL's length in frames (0 when it could not tell).</summary>
    internal static long Checkpoint(SqliteConnection connection, string mode)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA wal_checkpoint({mode})";
            using var reader = command.ExecuteReader();
            return reader.Read() ? reader.GetInt64(1) : 0;
        }
        catch (SqliteException)
        {
            // Busy or locked: the next tick tries again; the WAL only grows meanwhile, nothing is lost.
            return 0;
        }
    }

    /// <summary>A TRUNCATE checkpoint that finished: every frame copied and the WAL file cut to zero bytes.</summary>
    internal static bool TryTruncate(SqliteConnection connection)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var reader = command.ExecuteReader();
            return reader.Read() && reader.GetInt64(0) == 0; // first column: 1 when busy (not finished)
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Checkpoint(_connection, "TRUNCATE"); // leave a small file behind for backups and the next start
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
