using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Loyalty;

/// <summary>Posting ledger entries to a customer's profile, exactly once per entry id.</summary>
public static class PointsLedger
{
    /// <summary>
    /// Adds the entry to the balance and the account, unless its id was posted before (then the profile is
    /// returned unchanged and <paramref name="posted"/> is false).
    /// </summary>
    public static CustomerProfile Post(CustomerProfile profile, PointsLedgerEntry entry, out bool posted)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(entry);
        posted = !profile.Loyalty.HasApplied(entry.EntryId);
        return posted ? profile with { Points = PointsLimits.Add(profile.Points, entry.Points), Loyalty = profile.Loyalty.Post(entry, profile.TimeZone) } : profile;
    }

    /// <summary>The balance a ledger adds up to, each entry id counted once.</summary>
    public static long Balance(IEnumerable<PointsLedgerEntry> ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return PointsLimits.Sum(ledger.DistinctBy(e => e.EntryId, StringComparer.Ordinal).Select(e => e.Points));
    }
}
