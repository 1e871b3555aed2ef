using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// One anonymous fact about a journey instance, the raw material of journey statistics. Written once per
/// <see cref="FactId"/> (replays change nothing) while the effects that caused it are dispatched, and kept when the
/// customer is erased: erasure re-keys <see cref="InstanceId"/> and <see cref="FactId"/> to random ids, so the
/// counts still add up but nothing leads back to the customer. No customer id, profile field or message text.
/// </summary>
/// <param name="FactId">Deterministic: the history entry id or effect id it comes from.</param>
/// <param name="Version">Journey version (content hash); set on <see cref="JourneyFactKind.Entered"/>.</param>
/// <param name="Variant">Split variant or <c>holdout</c>; set on <see cref="JourneyFactKind.Variant"/> and <see cref="JourneyFactKind.Ended"/>.</param>
/// <param name="Channel">Set on <see cref="JourneyFactKind.Sent"/> (message cost per channel).</param>
/// <param name="Amount">Coupon face value (<see cref="JourneyFactKind.Coupon"/>) or attributed revenue (<see cref="JourneyFactKind.Ended"/> as converted).</param>
/// <param name="Step">The step id; set on <see cref="JourneyFactKind.Reached"/>.</param>
public sealed record JourneyFact(
    string FactId,
    string InstanceId,
    string Journey,
    JourneyFactKind Kind,
    DateTimeOffset At,
    string? Version = null,
    string? Variant = null,
    string? Channel = null,
    decimal Amount = 0m,
    InstanceOutcome? Outcome = null,
    string? Step = null);

public enum JourneyFactKind
{
    /// <summary>The instance started (version, start time).</summary>
    Entered,
    /// <summary>A split put the instance in a variant or in the holdout.</summary>
    Variant,
    /// <summary>A message went out (channel).</summary>
    Sent,
    /// <summary>A send was suppressed or dropped (consent, caps, quiet hours, no longer relevant).</summary>
    Suppressed,
    /// <summary>A coupon was issued (face value).</summary>
    Coupon,
    /// <summary>The instance ended (outcome; revenue when converted).</summary>
    Ended,
    /// <summary>The instance arrived at a step (step id); one fact per instance and step, however often it comes back.</summary>
    Reached,
}

/// <summary>
/// In-flight instances of a journey version at one step: <see cref="Active"/> ones (running or waiting there) and
/// <see cref="Faulted"/> ones (stopped there by an error, waiting for a retry or cancel). Ended instances are not counted.
/// </summary>
/// <param name="Step">The instance's current step; null for an instance between steps (e.g. not started yet).</param>
public sealed record InstanceStepCount(string Journey, string Version, string? Step, long Active, long Faulted);

/// <summary>An A/B winner declared from journey statistics; new entries of the journey's split go to <see cref="Variant"/>.</summary>
public sealed record DeclaredWinner(string Journey, string Variant, double Confidence, string Metric, DateTimeOffset DeclaredAt);

/// <summary>What erasure left behind: tombstones (hashed ids) and the late inputs they dropped.</summary>
public sealed record ErasureCounters(long ErasedCustomers, long DroppedLateEvents, long DroppedLateTimers);
