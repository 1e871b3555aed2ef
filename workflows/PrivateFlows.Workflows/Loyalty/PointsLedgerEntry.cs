namespace PrivateFlows.Workflows.Loyalty;

/// <summary>
/// One line of a customer's points ledger. <see cref="EntryId"/> is deterministic (source + rule), so the same
/// source never earns twice: the runtime writes entries idempotently by id. Positive entries earn (and may
/// expire at <see cref="ExpiresAt"/>), negative ones spend, claw back or expire.
/// </summary>
public sealed record PointsLedgerEntry(string EntryId, string CustomerId, DateTimeOffset At, long Points, string Rule, string Reason)
{
    /// <summary>The event that caused the entry, when there is one.</summary>
    public string? SourceEventId { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
}
