using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Loyalty;

/// <summary>What a loyalty rule did: the profile after it (balance, account, tier), the new ledger entries and any tier changes.</summary>
public sealed record LoyaltyUpdate(CustomerProfile Profile, ImmutableArray<PointsLedgerEntry> Entries, ImmutableArray<TierChange> TierChanges)
{
    public static LoyaltyUpdate Unchanged(CustomerProfile profile) => new(profile, [], []);
}
