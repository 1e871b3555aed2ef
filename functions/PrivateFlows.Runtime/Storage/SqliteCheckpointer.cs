using Microsoft.Data.Sqlite;

namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// Copies the WAL back into the database file from its own connection and thread. SQLite's automatic checkpoint
/// would run inside the writer's commit (and fsync there), stalling every queued step behind it; here the single
/// writer only appends to the WAL. PASSIVE never blocks the writer or readers; once a checkpoint has caught up,
/// the next write starts the WAL from its beginning again, so it stays bounded.
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    // Physical I/O pacing, not business time: the engine's TimeProvider may be a virtual or fake clock.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly SqliteConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SqliteCheckpointer(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _loop = Task.Factory.StartNew(LoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false)) Checkpoint("PASSIVE");
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Checkpoint(string mode)
    {
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"PRAGMA wal_checkpoint({mode})";
            using var reader = command.ExecuteReader();
            while (reader.Read()) { }
        }
        catch (SqliteException)
        {
            // Busy or locked: the next tick tries again; the WAL only grows meanwhile, nothing is lost.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Checkpoint("TRUNCATE"); // leave a small file behind for backups and the next start
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
