using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Sqlite;

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

    /// <summary>Time spent in transactions, for the benchmark.</summary>
    public WriterMeter Meter { get; } = new();

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
            TruncateRequest? truncate = null;
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var write))
            {
                // A truncation waits for the writes queued before it, and the ones after it wait for the truncation.
                if (write is TruncateRequest request)
                {
                    truncate = request;
                    break;
                }

                batch.Add(write);
            }

            if (batch.Count > 0)
            {
                var started = Meter.Start();
                Commit(batch);
                Meter.Stop(started, batch.Count);
            }
            if (truncate is not null)
            {
                await truncate.RunAsync(_connection).ConfigureAwait(false);
                Interlocked.Exchange(ref _restartWal, 0);
            }

            if (Interlocked.Exchange(ref _restartWal, 0) == 1) SqliteCheckpointer.Checkpoint(_connection, "RESTART");
        }
    }

    /// <summary>
    /// Copies the whole WAL into the database file and truncates it to zero bytes, after every write queued before
    /// this call: an erasure's old page images (still holding the erased data) leave the WAL. True when it did;
    /// false when readers kept it from finishing within the busy timeout (the next truncation takes them too).
    /// </summary>
    public Task<bool> TruncateWalAsync()
    {
        var request = new TruncateRequest();
        if (!_queue.Writer.TryWrite(request)) throw new ObjectDisposedException(nameof(SqliteWriter));
        return request.Task;
    }

    /// <summary>Asks for a RESTART checkpoint between two transactions, so that the WAL starts from its beginning again.</summary>
    public void RestartWal() => Interlocked.Exchange(ref _restartWal, 1);

    private void Commit(List<Write> batch)
    {
        // Most batches fail nowhere, and the only expected failure (a step's ETag conflict) is thrown before its write
        // changed anything: run them without a savepoint each (two statements fewer per write). Any other failure rolls
        // the whole transaction back and runs the batch again with a savepoint per write, so it fails alone.
        if (!TryCommit(batch, savepoints: false)) TryCommit(batch, savepoints: true);
    }

    /// <summary>False when the batch must run again with savepoints (nothing of it was committed or released).</summary>
    private bool TryCommit(List<Write> batch, bool savepoints)
    {
        var failed = new bool[batch.Count];
        var errors = new Exception?[batch.Count];
        try
        {
            using var transaction = _connection.BeginTransaction();
            _scope.Transaction = transaction;
            for (var i = 0; i < batch.Count; i++)
            {
                // Savepoint statements are prepared once and reused (SqliteTransaction.Save prepares a new command each time).
                if (savepoints) _scope.Execute("SAVEPOINT w");
                try
                {
                    batch[i].Run(_scope);
                    if (savepoints) _scope.Execute("RELEASE w");
                }
                catch (ConcurrencyConflictException e) when (!savepoints)
                {
                    errors[i] = e; // thrown before the write changed anything
                    failed[i] = true;
                }
                catch (Exception e) when (!savepoints && e is not SqliteException { SqliteErrorCode: 10 or 13 })
                {
                    transaction.Rollback();
                    return false;
                }
                catch (Exception e) when (savepoints && e is not SqliteException { SqliteErrorCode: 10 or 13 }) // not disk I/O error / full
                {
                    _scope.Execute("ROLLBACK TO w");
                    _scope.Execute("RELEASE w");
                    errors[i] = e;
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

            for (var i = 0; i < batch.Count; i++)
            {
                if (failed[i]) batch[i].Fail(errors[i]!);
            }

            return true;
        }
        finally
        {
            _scope.Transaction = null;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (failed[i]) batch[i].Fail(errors[i]!);
            else batch[i].Complete();
        }

        return true;
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

    /// <summary>Not a write: a marker in the queue that runs a TRUNCATE checkpoint between two transactions.</summary>
    private sealed class TruncateRequest : Write
    {
        // Another connection's checkpoint (SqliteCheckpointer's PASSIVE one) makes ours fail at once with SQLITE_BUSY,
        // without the busy handler: try again for a while. Physical pacing, not business time.
        private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(10);
        private const int Tries = 500;

        private readonly TaskCompletionSource<bool> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<bool> Task => _done.Task;

        public async Task RunAsync(SqliteConnection connection)
        {
            for (var i = 0; i < Tries; i++)
            {
                if (SqliteCheckpointer.TryTruncate(connection))
                {
                    _done.TrySetResult(true);
                    return;
                }

                await System.Threading.Tasks.Task.Delay(Pause).ConfigureAwait(false);
            }

            _done.TrySetResult(false);
        }

        public override void Run(WriteScope scope) => throw new InvalidOperationException("a truncation is not run inside a transaction");

        public override void Fail(Exception error) => _done.TrySetException(error);

        public override void Complete() => _done.TrySetResult(true);
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
