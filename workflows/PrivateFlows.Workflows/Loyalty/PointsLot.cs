namespace PrivateFlows.Workflows.Loyalty;

/// <summary>Points earned by one ledger entry and not yet spent or expired; spending takes from the lot that expires first.</summary>
public sealed record PointsLot(string EntryId, DateTimeOffset EarnedAt, DateTimeOffset? ExpiresAt, long Points, long Remaining);
