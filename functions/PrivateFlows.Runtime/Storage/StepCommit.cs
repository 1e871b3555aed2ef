namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// One decided step to commit: the new document, replacing version <paramref name="ExpectedVersion"/>
/// (0 = the customer must not exist yet), the input it consumed (an inbox event or a fired timer), and the rows
/// the step writes beside the document (<see cref="Write"/>), all in one transaction.
/// </summary>
public sealed record StepCommit(CustomerDocument Document, long ExpectedVersion, string? EventId = null, string? FiredTimerId = null)
{
    /// <summary>
    /// The rows written with the document (<see cref="StepWrite.Plan"/>). When null the store plans a write without
    /// effects: only the step index and referral link follow the document.
    /// </summary>
    public StepWrite? Write { get; init; }

    /// <summary>
    /// The stored document this commit replaces (version <see cref="ExpectedVersion"/>), when the caller has it and
    /// leaves <see cref="Write"/> to the store: only the instances that moved are written to the step index.
    /// </summary>
    public CustomerDocument? Previous { get; init; }

    /// <summary>
    /// A batched step (several queued inputs of one customer decided in one go): the inputs decided before the one
    /// this commit's own fields describe, in order, each with the document after it, the input it consumed and its
    /// own rows (<see cref="Write"/>, without step-index moves: those follow the last document). The store consumes and applies them in that order before this commit's own, in the same
    /// transaction, so the rows end up as sequential steps would leave them; only the last document is written.
    /// </summary>
    public IReadOnlyList<StepCommit> Earlier { get; init; } = [];
}
