using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// Per-customer serialisation: customers are partitioned by a hash of their id over sequential workers, so one
/// customer's inputs are processed one at a time, in the order they were posted, while different customers run in parallel.
/// </summary>
public sealed class CustomerQueues : IAsyncDisposable
{
    private readonly Channel<StepRequest>[] _partitions;
    private readonly StepProcessor _processor;
    private readonly IEventInbox _inbox;
    private readonly int _timerLanes;
    private readonly ILogger<CustomerQueues> _log;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _idleGate = new();
    private Task[] _workers = [];
    private TaskCompletionSource? _idle;
    private TaskCompletionSource? _room;
    private long _roomAt = -1;
    private long _outstanding;

    public CustomerQueues(StepProcessor processor, IEventInbox inbox, IOptions<ProcessingOptions> options, ILogger<CustomerQueues> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        _processor = processor;
        _inbox = inbox;
        _log = log;
        _timerLanes = Math.Max(1, options.Value.TimerLanes);
        _partitions = new Channel<StepRequest>[options.Value.Workers];
        for (var i = 0; i < _partitions.Length; i++)
        {
            _partitions[i] = Channel.CreateUnbounded<StepRequest>(new UnboundedChannelOptions { SingleReader = true });
        }
    }

    /// <summary>Completes once recovery has queued everything left from before the start: new inputs queue behind it.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Requests posted and not finished yet.</summary>
    public long Outstanding => Interlocked.Read(ref _outstanding);

    public void Start()
    {
        if (_workers.Length > 0) return;
        _workers = [.. _partitions.Select(p => Task.Run(() => WorkAsync(p.Reader, _stopping.Token)))];
    }

    internal void MarkReady() => _ready.TrySetResult();

    public void Post(StepRequest request) => Post(request, reserved: false);

    /// <summary>
    /// Reserves room for <paramref name="count"/> new inputs unless that would take the backlog past
    /// <paramref name="maxBacklog"/> (an empty backlog takes any count, so every batch fits eventually). The caller posts
    /// each reserved input with <see cref="PostReserved"/> or gives its room back with <see cref="Unreserve"/>.
    /// </summary>
    public bool TryReserve(int count, int maxBacklog)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        while (true)
        {
            var current = Interlocked.Read(ref _outstanding);
            if (current > 0 && current + count > maxBacklog) return false;
            if (Interlocked.CompareExchange(ref _outstanding, current + count, current) == current) return true;
        }
    }

    /// <summary>Posts an input whose room <see cref="TryReserve"/> reserved.</summary>
    public void PostReserved(StepRequest request) => Post(request, reserved: true);

    /// <summary>Gives back room reserved and not used (duplicates, a failed store write).</summary>
    public void Unreserve(int count)
    {
        for (var i = 0; i < count; i++) Finished();
    }

    private void Post(StepRequest request, bool reserved)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!reserved) Interlocked.Increment(ref _outstanding);
        if (!_partitions[Partition(request.CustomerId)].Writer.TryWrite(request))
        {
            Finished();
            throw new InvalidOperationException("the engine is stopping");
        }
    }

    /// <summary>Queues a request and waits for its outcome.</summary>
    public Task<StepOutcome> SubmitAsync(StepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Completion = new TaskCompletionSource<StepOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(request);
        return request.Completion.Task;
    }

    /// <summary>Completes when no request is queued or running (used by tests and benchmarks).</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_idleGate)
        {
            if (Outstanding == 0) return Task.CompletedTask;
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Completes when at most <paramref name="count"/> requests are queued or running: the recovery pass waits here so
    /// that it, too, keeps the backlog within <see cref="ProcessingOptions.MaxBacklog"/>. One waiter at a time.
    /// </summary>
    public Task WhenBacklogAtMostAsync(long count, CancellationToken cancellationToken = default)
    {
        lock (_idleGate)
        {
            // Announce the threshold before looking (full fences on both sides): a step finishing meanwhile sees it.
            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _roomAt, count);
            if (Outstanding > count) return _room.Task.WaitAsync(cancellationToken);
            _room = null;
            Interlocked.Exchange(ref _roomAt, -1);
            return Task.CompletedTask;
        }
    }

    private int Partition(string customerId)
    {
        // FNV-1a: stable, cheap, and independent of string.GetHashCode randomisation.
        var hash = 2166136261u;
        foreach (var c in customerId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)_partitions.Length);
    }

    /// <summary>
    /// Most requests a worker takes off its channel ahead of running them (where a customer's batch forms). Taking a
    /// batch does not scan them, so this can be large; the requests are in memory either way.
    /// </summary>
    private const int Lookahead = 8192;

    private async Task WorkAsync(ChannelReader<StepRequest> reader, CancellationToken cancellationToken)
    {
        var waiting = new PartitionBacklog();
        var batch = new List<StepRequest>();
        var lanes = new TimerLanes(_timerLanes);
        var inLane = lanes.IsRunning; // one delegate per worker
        Task<bool>? pendingRead = null; // the one wait a single-reader channel allows, kept across turns
        try
        {
            while (true)
            {
                if (lanes.Count > 0 && !await lanes.ReapAsync().ConfigureAwait(false)) return;
                if (pendingRead is { IsCompleted: true })
                {
                    var open = await pendingRead.ConfigureAwait(false);
                    pendingRead = null;
                    if (!open) return;
                }
                else if (waiting.Count == 0)
                {
                    // Nothing to take: wait for a request (a lane's step that ends meanwhile is reaped at the next turn).
                    pendingRead ??= reader.WaitToReadAsync(cancellationToken).AsTask();
                    if (lanes.Count > 0) await Task.WhenAny(pendingRead, lanes.AnyAsync()).ConfigureAwait(false);
                    else await pendingRead.ConfigureAwait(false);
                    continue;
                }

                while (waiting.Count < Lookahead && reader.TryRead(out var next)) waiting.Add(next);
                if (waiting.Count == 0) continue;
                // A customer whose timer step still runs in a lane waits for it (its inputs stay in order); the others pass.
                if (!waiting.TryTakeBatch(batch, _processor.MaxBatch, lanes.Count > 0 ? inLane : null))
                {
                    // Every waiting customer has a step in a lane: wait for one, or for a request of another customer.
                    if (waiting.Count >= Lookahead)
                    {
                        await lanes.AnyAsync().ConfigureAwait(false);
                        continue;
                    }

                    pendingRead ??= reader.WaitToReadAsync(cancellationToken).AsTask();
                    await Task.WhenAny(pendingRead, lanes.AnyAsync()).ConfigureAwait(false);
                    continue;
                }

                if (lanes.Fits(batch))
                {
                    // A fired timer runs beside this worker's other steps (different customers) instead of after them: in a
                    // burst every timer is a step of its own, and steps that wait one by one on the writer's commits left the
                    // cores idle while the due timers queued (see ProcessingOptions.TimerLanes).
                    if (!await lanes.RoomAsync().ConfigureAwait(false)) return;
                    lanes.Start(batch[0].CustomerId, RunLaneAsync(batch[0], cancellationToken));
                    continue;
                }

                if (!await ReadBodiesAsync(batch, cancellationToken).ConfigureAwait(false)) continue;
                var running = batch.Count == 1
                    ? await RunAsync(batch[0], cancellationToken).ConfigureAwait(false)
                    : await RunBatchAsync(batch, cancellationToken).ConfigureAwait(false);
                if (!running) return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            await lanes.FinishAllAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> RunLaneAsync(StepRequest timer, CancellationToken cancellationToken)
    {
        // Off the worker's own turn: reading and deciding run synchronously up to the commit, and the worker goes on to
        // its next customer meanwhile, not after.
        await Task.Yield();
        try
        {
            return await RunAsync(timer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // RunAsync handles the step's own failures; this is its watcher failing (posting while the engine stops).
            // A lane never faults: the worker that reaps it would stop early and leave its other lanes running.
            if (!cancellationToken.IsCancellationRequested) _log.LogError(e, "Finishing timer {TimerId} of customer {CustomerId} failed", timer.Timer?.TimerId, timer.CustomerId);
            return !cancellationToken.IsCancellationRequested;
        }
    }

    /// <summary>
    /// Replaces the batch's events queued by id with the events read back from the inbox, in one read, keeping their
    /// places; false when none is left to run. An event whose body is gone (processed and past its retention, or
    /// erased) has nothing left to do; one that cannot be read stays pending in the inbox for the next start.
    /// </summary>
    private async Task<bool> ReadBodiesAsync(List<StepRequest> batch, CancellationToken cancellationToken)
    {
        List<string>? ids = null;
        foreach (var request in batch)
        {
            if (request.BodyInInbox) (ids ??= new List<string>(batch.Count)).Add(request.EventId!);
        }

        if (ids is null) return true;
        IReadOnlyList<CustomerEvent> events = [];
        try
        {
            events = await _inbox.ReadAcceptedEventsAsync(ids, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.LogError(e, "Reading {Count} queued events of customer {CustomerId} from the inbox failed; they stay pending until the next start", ids.Count, batch[0].CustomerId);
        }

        var kept = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            if (!request.BodyInInbox)
            {
                batch[kept++] = request;
                continue;
            }

            var read = Find(events, request.EventId!);
            if (read is null) Done(request, null);
            else batch[kept++] = StepRequest.ForEvent(read);
        }

        batch.RemoveRange(kept, batch.Count - kept);
        return kept > 0;
    }

    private static CustomerEvent? Find(IReadOnlyList<CustomerEvent> events, string id)
    {
        foreach (var e in events)
        {
            if (e.Id == id) return e;
        }

        return null;
    }

    /// <summary>Runs one request as its own step (<paramref name="failures"/>: tries already failed in a batch); false when the engine is stopping.</summary>
    private async Task<bool> RunAsync(StepRequest request, CancellationToken cancellationToken, int failures = 0, Exception? lastFailure = null)
    {
        StepOutcome? outcome = null;
        try
        {
            outcome = await _processor.ProcessAsync(request, failures, lastFailure, cancellationToken).ConfigureAwait(false);
            request.Completion?.TrySetResult(outcome);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            request.Completion?.TrySetCanceled(cancellationToken);
            return false;
        }
        catch (Exception e)
        {
            _log.LogError(e, "Processing {InputId} for customer {CustomerId} failed", request.InputId, request.CustomerId);
            request.Completion?.TrySetException(e);
            return true;
        }
        finally
        {
            Done(request, outcome);
        }
    }

    /// <summary>Runs one customer's requests as one step, or one at a time when the batch could not be one step; false when stopping.</summary>
    private async Task<bool> RunBatchAsync(List<StepRequest> batch, CancellationToken cancellationToken)
    {
        BatchOutcome outcome;
        try
        {
            outcome = await _processor.ProcessBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            foreach (var request in batch) Done(request, null);
            return false;
        }
        catch (Exception e)
        {
            _log.LogError(e, "A batch for customer {CustomerId} failed; processing its inputs one at a time", batch[0].CustomerId);
            outcome = BatchOutcome.RunAlone;
        }

        if (outcome.Outcomes is null)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (await RunAsync(batch[i], cancellationToken, outcome.FailuresOf(i), outcome.FailureOf(i)).ConfigureAwait(false)) continue;
                for (var rest = i + 1; rest < batch.Count; rest++) Done(batch[rest], null);
                return false;
            }

            return true;
        }

        for (var i = 0; i < batch.Count; i++) Done(batch[i], outcome.Outcomes[i]);
        return true;
    }

    private void Done(StepRequest request, StepOutcome? outcome)
    {
        try
        {
            request.Watcher?.StepDone(request, outcome);
        }
        finally
        {
            Finished(); // a watcher that throws (posting while the engine stops) must not leave the request counted
        }
    }

    private void Finished()
    {
        var left = Interlocked.Decrement(ref _outstanding);
        if (left <= Volatile.Read(ref _roomAt)) RoomFreed();
        if (left != 0) return;
        lock (_idleGate)
        {
            if (Outstanding != 0) return;
            _idle?.TrySetResult();
            _idle = null;
        }
    }

    private void RoomFreed()
    {
        lock (_idleGate)
        {
            if (_room is null || Outstanding > _roomAt) return;
            _room.TrySetResult();
            _room = null;
            Interlocked.Exchange(ref _roomAt, -1);
        }
    }

    /// <summary>
    /// Stops at once: the step in progress on each worker is cancelled or finishes, queued requests are dropped.
    /// Nothing is lost: accepted events, outboxes and timers are all in the store and recovered at the next start.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var p in _partitions) p.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_workers).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the host gave up waiting
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _partitions) p.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        // _stopping is not disposed: a host stopped twice at once (WebApplication.Run and its test factory both stop it)
        // may call StopAsync after DisposeAsync, and a cancellation source without timers holds nothing to release.
    }
}
