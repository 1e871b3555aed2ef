using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// One decided step to commit: the new document, replacing version <paramref name="ExpectedVersion"/>
/// (0 = the customer must not exist yet), and the input it consumed (an inbox event or a fired timer).
/// </summary>
public sealed record StepCommit(CustomerDocument Document, long ExpectedVersion, string? EventId = null, string? FiredTimerId = null)
{
    /// <summary>
    /// Effects carried out in the same transaction as the document (only for a store whose
    /// <see cref="IJourneyStore.AppliesEffectsOnCommit"/> is true): effects that need no I/O beyond the store —
    /// history, timer index, points, coupons, sandboxed messages. They are not in <see cref="CustomerDocument.PendingEffects"/>.
    /// </summary>
    public IReadOnlyList<Effect> AppliedEffects { get; init; } = [];

    /// <summary>Message records of the sandboxed sends among <see cref="AppliedEffects"/>.</summary>
    public IReadOnlyList<MessageRecord> Messages { get; init; } = [];

    /// <summary>When the applied effects were carried out.</summary>
    public DateTimeOffset AppliedAt { get; init; }

    /// <summary>
    /// The stored document this commit replaces (version <see cref="ExpectedVersion"/>), when the caller has it: the
    /// store then only writes what changed between the two (e.g. the step index), not everything again.
    /// </summary>
    public CustomerDocument? Previous { get; init; }

    /// <summary>
    /// A batched step (several queued inputs of one customer decided in one go): the inputs decided before the one
    /// this commit's own fields describe, in order, each with the document after it, the input it consumed and its
    /// applied effects. The store consumes and applies them in that order before this commit's own, in the same
    /// transaction, so the rows end up as sequential steps would leave them; only the last document is written.
    /// </summary>
    public IReadOnlyList<StepCommit> Earlier { get; init; } = [];
}
