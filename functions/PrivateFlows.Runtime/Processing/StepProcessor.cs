using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Telemetry;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// One step for one customer, exactly as the architecture says: load the document, finish any outbox left from
/// before, decide (pure), commit the new document with its write plan's rows in one transaction (ETag-checked;
/// re-read and decide again on conflict), then deliver the real sends left in its outbox. Inputs that keep failing are parked as poison.
/// </summary>
public sealed partial class StepProcessor(
    ICustomerDocuments customers,
    IStepCommits commits,
    IPoisonInputs poisonInputs,
    ICustomerErasure erasure,
    JourneyCatalog catalog,
    EffectDispatcher dispatcher,
    ReferrerFactsReader referrers,
    TimeProvider clock,
    RuntimeMetrics metrics,
    IOptions<ProcessingOptions> options,
    ILogger<StepProcessor> log)
{
    /// <summary>Replaceable for tests that need a decider that fails; the engine uses <see cref="CustomerDecider.Decide"/>.</summary>
    internal Func<CustomerState, DecisionInput, DecisionContext, Decision> Decide { get; set; } = CustomerDecider.Decide;

    public Task<StepOutcome> ProcessAsync(StepRequest request, CancellationToken cancellationToken) => ProcessAsync(request, 0, null, cancellationToken);

    /// <param name="failures">Tries of the input that already failed (in a batched step), counted towards <see cref="ProcessingOptions.MaxAttempts"/>.</param>
    /// <param name="lastFailure">What the last of those tries threw: with no attempt left the input is parked with it, not tried again.</param>
    internal async Task<StepOutcome> ProcessAsync(StepRequest request, int failures, Exception? lastFailure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        var conflicts = 0;
        var started = Stopwatch.GetTimestamp();
        using var activity = RuntimeActivity.Source.StartActivity("step");
        activity?.SetTag("privateflows.customer_id", request.CustomerId);
        activity?.SetTag("privateflows.input", request.InputId);
        if (lastFailure is not null && failures >= settings.MaxAttempts && request.Input is not null && !request.IsCommand && !request.RetriedByCaller)
        {
            return await ParkAfterAsync(request, lastFailure, failures, activity, started, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            try
            {
                var outcome = await TryAsync(request, cancellationToken).ConfigureAwait(false);
                metrics.StepDone(request, outcome.Result, Stopwatch.GetElapsedTime(started));
                return outcome;
            }
            catch (ConcurrencyConflictException) when (++conflicts < settings.MaxConflictRetries)
            {
                metrics.Conflict();
            }
            catch (Exception e) when (e is not OperationCanceledException && request.Input is not null && !request.IsCommand && !request.RetriedByCaller)
            {
                failures++;
                log.LogWarning(e, "Input {InputId} for customer {CustomerId} failed (attempt {Attempt} of {MaxAttempts})", request.InputId, request.CustomerId, failures, settings.MaxAttempts);
                if (failures < settings.MaxAttempts) continue;
                return await ParkAfterAsync(request, e, failures, activity, started, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<StepOutcome> ParkAfterAsync(StepRequest request, Exception failure, int attempts, System.Diagnostics.Activity? activity, long started, CancellationToken cancellationToken)
    {
        var reason = Reason(failure);
        await ParkAsync(request, reason, attempts, cancellationToken).ConfigureAwait(false);
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        metrics.StepDone(request, StepResult.Parked, Stopwatch.GetElapsedTime(started));
        return new StepOutcome(StepResult.Parked, null, [], reason);
    }

    private async Task<StepOutcome> TryAsync(StepRequest request, CancellationToken cancellationToken)
    {
        var existing = await customers.ReadCustomerAsync(request.CustomerId, cancellationToken).ConfigureAwait(false);
        if (existing is null && request.Input is not null && await erasure.IsErasedAsync(request.CustomerId, cancellationToken).ConfigureAwait(false))
        {
            // Erased (GDPR/PIPL): a late input must not recreate the customer. Dropped and counted on the tombstone.
            await erasure.DropErasedInputAsync(request.CustomerId, request.EventId, request.Timer?.TimerId, cancellationToken).ConfigureAwait(false);
            return new StepOutcome(StepResult.Dropped, null, []);
        }

        var document = existing ?? CustomerDocument.New(request.CustomerId);
        if (!document.PendingEffects.IsEmpty) document = await dispatcher.DispatchAsync(document, cancellationToken).ConfigureAwait(false);
        if (request.Input is null) return new StepOutcome(StepResult.Flushed, document, []);
        if (document.HasProcessed(request.InputId))
        {
            if (request.EventId is not null || request.Timer is not null) await commits.MarkConsumedAsync(request.CustomerId, request.EventId, request.Timer?.TimerId, cancellationToken).ConfigureAwait(false);
            return new StepOutcome(StepResult.Duplicate, document, []);
        }


        var (commit, local, effects) = await DecideAsync(document, document.Version, request, cancellationToken).ConfigureAwait(false);
        var committed = await commits.CommitStepAsync(commit, cancellationToken).ConfigureAwait(false);
        metrics.StepCommitted(1);
        dispatcher.Committed(local);
        if (!committed.PendingEffects.IsEmpty) committed = await dispatcher.DispatchAsync(committed, cancellationToken).ConfigureAwait(false);
        return new StepOutcome(StepResult.Processed, committed, effects);
    }

    /// <summary>
    /// Decides <paramref name="request"/>'s input on <paramref name="document"/> at the clock's instant, as its own step
    /// would: the commit of the next document (replacing <paramref name="expectedVersion"/>) with its rows, and the
    /// store-only effects among the decision's. A single step commits it as it is; a batched step as one of its parts.
    /// </summary>
    private async Task<(StepCommit Commit, IReadOnlyList<Effect> Local, ImmutableArray<Effect> Effects)> DecideAsync(
        CustomerDocument document, long expectedVersion, StepRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Once per timer: a batch that falls back to single steps, or a conflict, decides it again.
        if (request.Timer is { } timer && !request.LatenessRecorded)
        {
            metrics.TimerLateness(now - timer.DueAt);
            request.LatenessRecorded = true;
        }

        var context = catalog.ContextAt(now);
        var decision = Decide(document.State, request.Input!, context);
        if (RewardsReferral(decision))
        {
            // Only a referral reward reads the referrer's facts (another customer's document and referrals), so they are
            // read for the few decisions that reward one, which are decided again with them: the decider is pure, so
            // every other decision is what it would have been with them.
            var withReferrer = await referrers.AddAsync(context, document.State, request.Input!, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(withReferrer, context)) decision = Decide(document.State, request.Input!, withReferrer);
        }

        var next = document.After(decision, request.InputId);
        // One write per step: the document and the rows of every effect that needs no I/O beyond the store, in one
        // transaction; only real sends wait in the outbox and are completed after their delivery.
        var (local, outbox, messages) = dispatcher.Split(decision.Effects);
        next = next with { PendingEffects = document.PendingEffects.AddRange(outbox) };
        var write = StepWrite.Plan(document, expectedVersion, next, local, messages, clock.GetUtcNow());
        return (new StepCommit(next, expectedVersion, request.EventId, request.Timer?.TimerId) { Write = write }, local, decision.Effects);
    }

    private static bool RewardsReferral(Decision decision)
    {
        foreach (var effect in decision.Effects)
        {
            if (effect is RewardReferral) return true;
        }

        return false;
    }

    private Task ParkAsync(StepRequest request, string reason, int attempts, CancellationToken cancellationToken)
    {
        log.LogError("Parked {InputId} for customer {CustomerId} as poison: {Reason}", request.InputId, request.CustomerId, reason);
        var (kind, body) = request.Input switch
        {
            EventReceived e => ("event", CloudEventReader.Write(e.Event).ToJsonString()),
            TimerFired t => ("timer", JsonSerializer.Serialize(new { t.TimerId, t.InstanceId, t.DueAt })),
            var other => (other?.GetType().Name ?? "input", "{}"),
        };
        var poison = new PoisonInput(request.EventId ?? request.Timer?.TimerId ?? request.InputId, request.CustomerId, kind, body, reason, attempts, clock.GetUtcNow());
        return poisonInputs.ParkPoisonAsync(poison, request.EventId, request.Timer?.TimerId, cancellationToken);
    }

    private static string Reason(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null && inner is AggregateException or System.Reflection.TargetInvocationException) inner = inner.InnerException;
        return FaultText.Safe($"{inner.GetType().Name}: {inner.Message}"); // shown to ops: no server paths
    }
}
