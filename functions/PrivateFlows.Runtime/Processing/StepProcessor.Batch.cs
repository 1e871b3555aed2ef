using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Telemetry;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// A batched step: several queued inputs of one customer in one go. The document is read once, each input is decided
/// in order on the evolving state at its own decision instant (the decider is pure, so this is what sequential steps
/// would decide), and one commit writes the last document with every input's rows and consumed inbox events and
/// timers; the outbox is dispatched once. Under a backlog this saves a read, a JSON round trip and a commit per input.
/// </summary>
public sealed partial class StepProcessor
{
    /// <summary>Most requests of one customer a worker hands to <see cref="ProcessBatchAsync"/> (1: batching is off).</summary>
    internal int MaxBatch => options.Value.MaxBatch;

    /// <summary>
    /// Whether a request may share a step with others: a plain input (an event or a fired timer) whose failure nobody
    /// waits for. Commands, flushes, Service Bus deliveries and awaited requests run alone.
    /// </summary>
    public static bool CanBatch(StepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (request.Input is EventReceived or TimerFired || request.BodyInInbox) && !request.IsCommand && !request.RetriedByCaller && request.Completion is null;
    }

    /// <summary>
    /// Processes <paramref name="requests"/> (one customer's, in queue order, all <see cref="CanBatch"/>) as one step and
    /// returns their outcomes in the same order, or none when they must be processed one at a time through
    /// <see cref="ProcessAsync(StepRequest, int, CancellationToken)"/> instead: an input that throws, a commit that fails
    /// or keeps conflicting, an erased customer. The single path then retries and parks poison as usual, so a bad input
    /// never takes good ones down; inputs the batch did commit are duplicates there.
    /// </summary>
    public async Task<BatchOutcome> ProcessBatchAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count < 2) return BatchOutcome.RunAlone;
        var customerId = requests[0].CustomerId;
        foreach (var request in requests)
        {
            if (!CanBatch(request) || request.CustomerId != customerId) throw new ArgumentException("a batch holds plain inputs of one customer", nameof(requests));
        }

        var started = Stopwatch.GetTimestamp();
        using var activity = RuntimeActivity.Source.StartActivity("step");
        activity?.SetTag("privateflows.customer_id", customerId);
        activity?.SetTag("privateflows.batch", requests.Count);
        var conflicts = 0;
        while (true)
        {
            try
            {
                var outcomes = await TryBatchAsync(customerId, requests, cancellationToken).ConfigureAwait(false);
                if (outcomes is null) return BatchOutcome.RunAlone;
                var elapsed = Stopwatch.GetElapsedTime(started);
                for (var i = 0; i < requests.Count; i++) metrics.StepDone(requests[i], outcomes[i].Result, elapsed);
                return new BatchOutcome(outcomes);
            }
            catch (ConcurrencyConflictException) when (++conflicts < options.Value.MaxConflictRetries)
            {
                metrics.Conflict();
            }
            catch (DecisionFailedException e)
            {
                var failed = requests[e.Index];
                log.LogWarning(e.InnerException, "Input {InputId} for customer {CustomerId} failed (attempt {Attempt} of {MaxAttempts})",
                    failed.InputId, customerId, 1, options.Value.MaxAttempts);
                // The try counts: the single path parks it at once when that was its last attempt (MaxAttempts 1).
                return new BatchOutcome(null, e.Index, e.InnerException);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "A batch of {Count} inputs for customer {CustomerId} failed; processing them one at a time", requests.Count, customerId);
                return BatchOutcome.RunAlone;
            }
        }
    }

    private async Task<IReadOnlyList<StepOutcome>?> TryBatchAsync(string customerId, IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken)
    {
        var existing = await customers.ReadCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        // Erased: the single path drops and counts each late input on the tombstone.
        if (existing is null && await erasure.IsErasedAsync(customerId, cancellationToken).ConfigureAwait(false)) return null;

        var read = existing ?? CustomerDocument.New(customerId);
        if (!read.PendingEffects.IsEmpty) read = await dispatcher.DispatchAsync(read, cancellationToken).ConfigureAwait(false);

        var document = read;
        var parts = new List<(StepCommit Commit, IReadOnlyList<Effect> Local)>(requests.Count);
        var results = new (StepResult Result, ImmutableArray<Effect> Effects)[requests.Count];
        var processed = 0;
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            if (document.HasProcessed(request.InputId))
            {
                // Consumed in the commit like a processed input; the document is unchanged by it.
                parts.Add((new StepCommit(document, read.Version, request.EventId, request.Timer?.TimerId) { Write = StepWrite.Plan(document, read.Version, document, [], [], clock.GetUtcNow()) with { StepIndex = StepIndexMoves.None, Referral = null } }, []));
                results[i] = (StepResult.Duplicate, []);
                continue;
            }

            var (part, local, effects) = await DecidePartAsync(document, read.Version, request, i, cancellationToken).ConfigureAwait(false);
            parts.Add((part, local));
            results[i] = (StepResult.Processed, effects);
            document = part.Document;
            processed++;
        }

        // Nothing new to write: the single path marks duplicates consumed without replacing the document.
        if (processed == 0) return null;

        // The earlier parts write their own rows only; the last one moves the step index from the document read to the
        // final one and writes the referral link, as one step from the read document would.
        var last = parts[^1].Commit;
        var index = StepWrite.Plan(read, read.Version, last.Document, [], [], last.Write!.At);
        var commit = last with { Write = last.Write with { StepIndex = index.StepIndex, Referral = index.Referral }, Previous = read, Earlier = [.. parts.Take(parts.Count - 1).Select(p => p.Commit)] };
        var committed = await commits.CommitStepAsync(commit, cancellationToken).ConfigureAwait(false);
        metrics.StepCommitted(requests.Count);
        foreach (var (_, local) in parts)
        {
            if (local.Count > 0) dispatcher.Committed(local);
        }

        if (!committed.PendingEffects.IsEmpty) committed = await dispatcher.DispatchAsync(committed, cancellationToken).ConfigureAwait(false);
        var outcomes = new StepOutcome[requests.Count];
        for (var i = 0; i < requests.Count; i++) outcomes[i] = new StepOutcome(results[i].Result, committed, results[i].Effects);
        return outcomes;
    }

    /// <summary>One input of the batch decided on the document so far, as its own step would decide it: its part of the commit.</summary>
    private async Task<(StepCommit Part, IReadOnlyList<Effect> Local, ImmutableArray<Effect> Effects)> DecidePartAsync(CustomerDocument document, long readVersion, StepRequest request, int index, CancellationToken cancellationToken)
    {
        try
        {
            var (part, local, effects) = await DecideAsync(document, readVersion, request, cancellationToken).ConfigureAwait(false);
            // This input's rows only: the step index and referral link follow the batch's final document (see TryBatchAsync).
            return (part with { Write = part.Write! with { StepIndex = StepIndexMoves.None, Referral = null } }, local, effects);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new DecisionFailedException(index, e);
        }
    }

    /// <summary>Deciding the batch's input at <see cref="Index"/> threw <see cref="Exception.InnerException"/>.</summary>
    private sealed class DecisionFailedException(int index, Exception inner) : Exception("deciding an input of the batch failed", inner)
    {
        public int Index { get; } = index;
    }
}
