using System.Collections.Immutable;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Processing;

/// <summary>One thing for a customer's worker to do: decide an input, or (without input) finish dispatching the outbox.</summary>
public sealed class StepRequest
{
    public required string CustomerId { get; init; }

    /// <summary>Null for a recovery pass that only re-dispatches pending effects.</summary>
    public DecisionInput? Input { get; init; }

    /// <summary>Remembered on the customer document once processed; a second request with the same id is a duplicate.</summary>
    public string InputId { get; init; } = "";

    public string? EventId { get; init; }

    public DueTimer? Timer { get; init; }

    /// <summary>An ops command (cancel, retry): failures go back to the caller instead of the poison list.</summary>
    public bool IsCommand { get; init; }

    /// <summary>
    /// The caller retries a failure itself (a Service Bus delivery: the broker redelivers the message), so the step is
    /// neither retried here nor parked as poison: the failure goes back to the caller.
    /// </summary>
    public bool RetriedByCaller { get; set; }

    internal TaskCompletionSource<StepOutcome>? Completion { get; set; }

    internal IStepWatcher? Watcher { get; init; }

    /// <summary>The timer's lateness is recorded (at its first decision).</summary>
    internal bool LatenessRecorded { get; set; }

    /// <summary>
    /// An accepted event queued by its id only: its body stays in the inbox until the worker about to process it reads
    /// it back (<see cref="CustomerQueues"/>), so a large backlog costs little memory.
    /// </summary>
    internal bool BodyInInbox { get; private init; }

    internal static StepRequest ForStoredEvent(string customerId, string eventId) => new() { CustomerId = customerId, InputId = $"e:{eventId}", EventId = eventId, BodyInInbox = true };

    public static StepRequest ForEvent(CustomerEvent e) => new() { CustomerId = e.Subject, Input = new EventReceived(e), InputId = $"e:{e.Id}", EventId = e.Id };

    public static StepRequest ForTimer(DueTimer timer) => ForTimer(timer, null);

    internal static StepRequest ForTimer(DueTimer timer, IStepWatcher? watcher) => new()
    {
        CustomerId = timer.CustomerId,
        Input = new TimerFired(timer.TimerId, timer.InstanceId, timer.DueAt),
        InputId = $"t:{timer.TimerId}",
        Timer = timer,
        Watcher = watcher,
    };

    public static StepRequest ForCommand(string customerId, DecisionInput input, string commandId) =>
        new() { CustomerId = customerId, Input = input, InputId = $"c:{commandId}", IsCommand = true };

    public static StepRequest Flush(string customerId) => new() { CustomerId = customerId };
}

/// <summary><see cref="StepResult.Dropped"/>: the customer was erased; the late input was dropped (and counted), not processed.</summary>
public enum StepResult { Processed, Duplicate, Flushed, Parked, Dropped }

/// <summary>What became of a request: the stored document after it, and the effects the decision produced.</summary>
public sealed record StepOutcome(StepResult Result, CustomerDocument? Document, ImmutableArray<Effect> Effects, string? Error = null);
