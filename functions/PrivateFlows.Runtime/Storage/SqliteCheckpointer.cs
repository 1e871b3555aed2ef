using Microsoft.Data.Sqlite;

namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// Copies the WAL into the database file in the background (the writer runs with <c>wal_autocheckpoint=0</c>), so
/// a commit never waits for a checkpoint. Passive checkpoints run beside readers and the writer; SQLite restarts
/// the WAL from the beginning once everything in it has been copied. Durability is unchanged: a commit is durable
/// once it is in the WAL (synced per the synchronous setting); the checkpoint syncs before and after copying.
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    /// <summary>Checkpoint at once when the WAL is larger than this; otherwise every <see cref="Interval"/>.</summary>
    private const long BusyWalBytes = 64L * 1024 * 1024;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly string _walPath;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SqliteCheckpointer(string connectionString, string databasePath)
    {
        _connectionString = connectionString;
        _walPath = databasePath + "-wal";
        _loop = Task.Factory.StartNew(Loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Loop()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                checkpoint.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // busy or locked: the next round tries again
            }

            var wal = new FileInfo(_walPath);
            if (wal.Exists && wal.Length > BusyWalBytes) continue; // still large: the writer is fast, keep copying
            token.WaitHandle.WaitOne(Interval);
        }

        try
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            checkpoint.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // best effort at shutdown; the WAL is replayed on the next open anyway
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
