namespace PrivateFlows.Workflows.Loyalty;

/// <summary>
/// Which points have expired by <c>now</c>, from a customer's ledger alone: the entries are replayed in time order
/// (each id once) — spending takes from the lots that expire first, expiry entries already written close their lot —
/// and every lot whose expiry has come with points left yields one entry <c>expire/&lt;entry id&gt;</c>. The same
/// ledger gives the same answer in any order, so the runtime can run it as a sweep and write the result idempotently.
/// </summary>
public static class PointsExpiry
{
    public static IReadOnlyList<PointsLedgerEntry> Due(IEnumerable<PointsLedgerEntry> ledger, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var entries = ledger.DistinctBy(e => e.EntryId, StringComparer.Ordinal)
            .OrderBy(e => e.At).ThenBy(e => e.EntryId, StringComparer.Ordinal)
            .ToList();
        if (entries.Count == 0) return [];
        var account = new LoyaltyAccount();
        foreach (var entry in entries) account = account.Post(entry, zone: null);
        return account.DueExpiries(entries[0].CustomerId, now);
    }
}
