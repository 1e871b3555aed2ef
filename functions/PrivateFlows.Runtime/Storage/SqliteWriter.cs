using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// The store's single writer: every write waits in one queue, and whatever has queued up is committed in one
/// transaction (group commit), so many customers' steps share one commit. Each write runs in its own savepoint:
/// one failing write (e.g. an ETag conflict) fails alone. Results are released only after the commit.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly Channel<Write> _queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly WriteScope _scope;
    private readonly int _maxBatch;
    private readonly Task _loop;
    private int _restartWal;

    public SqliteWriter(SqliteConnection connection, int maxBatch)
    {
        _connection = connection;
        _scope = new WriteScope(connection);
        _maxBatch = maxBatch;
        _loop = Task.Factory.StartNew(LoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public Task<T> WriteAsync<T>(Func<WriteScope, T> work, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new Write<T>(work);
        if (!_queue.Writer.TryWrite(write)) throw new ObjectDisposedException(nameof(SqliteWriter));
        return write.Task;
    }

    public Task WriteAsync(Action<WriteScope> work, CancellationToken cancellationToken = default) =>
        WriteAsync<bool>(scope =>
        {
            work(scope);
            return true;
        }, cancellationToken);

    private async Task LoopAsync()
    {
        var batch = new List<Write>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var write)) batch.Add(write);
            if (batch.Count > 0) Commit(batch);
            if (Interlocked.Exchange(ref _restartWal, 0) == 1) SqliteCheckpointer.Checkpoint(_connection, "RESTART");
        }
    }

    /// <summary>Asks for a RESTART checkpoint between two transactions, so that the WAL starts from its beginning again.</summary>
    public void RestartWal() => Interlocked.Exchange(ref _restartWal, 1);

    private void Commit(List<Write> batch)
    {
        var failed = new bool[batch.Count];
        try
        {
            using var transaction = _connection.BeginTransaction();
            _scope.Transaction = transaction;
            for (var i = 0; i < batch.Count; i++)
            {
                // Savepoint statements are prepared once and reused (SqliteTransaction.Save prepares a new command each time).
                _scope.Execute("SAVEPOINT w");
                try
                {
                    batch[i].Run(_scope);
                    _scope.Execute("RELEASE w");
                }
                catch (Exception e) when (e is not SqliteException { SqliteErrorCode: 10 or 13 }) // not disk I/O error / full
                {
                    _scope.Execute("ROLLBACK TO w");
                    _scope.Execute("RELEASE w");
                    batch[i].Fail(e);
                    failed[i] = true;
                }
            }

            transaction.Commit();
        }
        catch (Exception e)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (!failed[i]) batch[i].Fail(e);
            }

            return;
        }
        finally
        {
            _scope.Transaction = null;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (!failed[i]) batch[i].Complete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _scope.Dispose();
    }

    private abstract class Write
    {
        public abstract void Run(WriteScope scope);
        public abstract void Fail(Exception error);
        public abstract void Complete();
    }

    private sealed class Write<T>(Func<WriteScope, T> work) : Write
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _done.Task;

        public override void Run(WriteScope scope) => _result = work(scope);

        public override void Fail(Exception error) => _done.TrySetException(error);

        public override void Complete() => _done.TrySetResult(_result!);
    }
}
