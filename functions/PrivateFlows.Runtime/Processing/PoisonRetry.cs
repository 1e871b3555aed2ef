using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// Ops sends a parked input (event or timer) through the normal path again after a fix: it runs as a step on the
/// customer's worker with the usual attempts; processed, it is marked resolved; failing again, it is parked again with
/// the new reason. Its id was never recorded as processed, so it is not refused as a duplicate.
/// </summary>
public sealed class PoisonRetry(IPoisonInputs store, CustomerQueues queues, TimeProvider clock, ILogger<PoisonRetry> log)
{
    private readonly ConcurrentDictionary<string, byte> _running = new(StringComparer.Ordinal);

    public async Task<PoisonRetryResult> RetryAsync(string inputId, string caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputId);
        var parked = await store.ReadPoisonAsync(inputId, cancellationToken).ConfigureAwait(false);
        if (parked is null) return new PoisonRetryResult(PoisonRetryStatus.NotFound, null, null);
        if (parked.Status != PoisonStatus.Parked) return new PoisonRetryResult(PoisonRetryStatus.NotParked, parked, "the input is not parked: an earlier retry processed it");
        if (!_running.TryAdd(inputId, 0)) return new PoisonRetryResult(PoisonRetryStatus.NotParked, parked, "a retry of this input is running");
        try
        {
            if (!await store.CountPoisonRetryAsync(inputId, cancellationToken).ConfigureAwait(false))
            {
                return new PoisonRetryResult(PoisonRetryStatus.NotParked, parked, "the input is not parked: an earlier retry processed it");
            }

            log.LogInformation("Audit: {Caller} retries poison {InputId} ({Kind}) of customer {CustomerId}", caller, inputId, parked.Kind, parked.CustomerId);
            var outcome = await queues.SubmitAsync(Request(parked)).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (outcome.Result is StepResult.Processed or StepResult.Duplicate or StepResult.Dropped)
            {
                await store.ResolvePoisonAsync(inputId, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }

            var after = await store.ReadPoisonAsync(inputId, cancellationToken).ConfigureAwait(false);
            log.LogInformation("Audit: retry of poison {InputId} by {Caller}: {Result}", inputId, caller, outcome.Result);
            return new PoisonRetryResult(PoisonRetryStatus.Done, after, outcome.Error) { Result = outcome.Result };
        }
        catch (NotSupportedException e)
        {
            return new PoisonRetryResult(PoisonRetryStatus.NotSupported, parked, e.Message);
        }
        finally
        {
            _running.TryRemove(inputId, out _);
        }
    }

    private static StepRequest Request(PoisonInput parked)
    {
        if (parked.Kind == "event")
        {
            var e = CloudEventReader.Read(parked.Body).Event ?? throw new InvalidDataException($"the parked event {parked.InputId} no longer parses");
            return StepRequest.ForEvent(e);
        }

        if (parked.Kind == "timer")
        {
            using var body = JsonDocument.Parse(parked.Body);
            var root = body.RootElement;
            return StepRequest.ForTimer(new DueTimer(
                root.GetProperty("TimerId").GetString()!, parked.CustomerId, root.GetProperty("InstanceId").GetString()!, root.GetProperty("DueAt").GetDateTimeOffset()));
        }

        throw new NotSupportedException($"a parked {parked.Kind} cannot be retried");
    }
}

public enum PoisonRetryStatus { Done, NotFound, NotParked, NotSupported }

/// <param name="Poison">The poison entry after the retry (resolved, or parked again with the new reason).</param>
/// <param name="Reason">Why the retry was refused, or why the input failed again.</param>
public sealed record PoisonRetryResult(PoisonRetryStatus Status, PoisonInput? Poison, string? Reason)
{
    public StepResult? Result { get; init; }
}
