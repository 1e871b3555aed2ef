using System.Collections.Immutable;
using System.Globalization;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Workflows.Loyalty;

/// <summary>
/// The points and tier bookkeeping kept on the customer's profile (the balance itself is
/// <c>CustomerProfile.Points</c>): the ids of entries already posted (so nothing earns twice), the lots that can
/// still be spent or expire, qualifying totals per month for tiers, orders for refund claw-backs, daily counts
/// for interaction limits, and the tier review schedule. Immutable; pure functions return a new account.
/// </summary>
public sealed record LoyaltyAccount
{
    public const string ExpiryPrefix = "expire/";

    /// <summary>Open lots, the one expiring first first (never-expiring lots last).</summary>
    public ImmutableArray<PointsLot> Lots { get; init; } = [];
    /// <summary>Points spent or clawed back beyond the open lots; paid off by the next points earned.</summary>
    public long Debt { get; init; }
    /// <summary>Ids of posted entries with their time, remembered for <see cref="LoyaltyProgram.LateEventLimit"/>.</summary>
    public ImmutableSortedDictionary<string, DateTimeOffset> Applied { get; init; } = ImmutableSortedDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal);
    /// <summary>Qualifying points and net spend per local month (<c>yyyy-MM</c>), the last 24 months.</summary>
    public ImmutableSortedDictionary<string, MonthTotals> Months { get; init; } = ImmutableSortedDictionary.Create<string, MonthTotals>(StringComparer.Ordinal);
    /// <summary>Orders by order id, for refund claw-backs.</summary>
    public ImmutableSortedDictionary<string, OrderPoints> Orders { get; init; } = ImmutableSortedDictionary.Create<string, OrderPoints>(StringComparer.Ordinal);
    /// <summary>Rewards per <c>yyyy-MM-dd/rule</c>, for daily limits.</summary>
    public ImmutableSortedDictionary<string, int> DailyCounts { get; init; } = ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal);
    public DateTimeOffset? TierSince { get; init; }
    public DateTimeOffset? NextTierReview { get; init; }
    /// <summary>The loyalty timer currently scheduled (next expiry or tier review), so it is scheduled once.</summary>
    public DateTimeOffset? TimerAt { get; init; }

    public bool HasApplied(string entryId) => Applied.ContainsKey(entryId);

    /// <summary>Points in open lots minus debt.</summary>
    public long OpenPoints => PointsLimits.Add(PointsLimits.Sum(Lots.Select(l => l.Remaining)), -Debt);

    public DateTimeOffset? NextExpiry => Lots.Where(l => l is { ExpiresAt: not null, Remaining: > 0 }).Select(l => l.ExpiresAt).Min();

    public long ExpiringAt(DateTimeOffset at) => PointsLimits.Sum(Lots.Where(l => l.ExpiresAt == at).Select(l => l.Remaining));

    /// <summary>
    /// Posts one entry. Positive: pays off debt, then opens a lot. Expiry (<c>expire/&lt;id&gt;</c>): closes that lot.
    /// Other negative entries take from the open lots still valid at the entry's time, the one expiring first
    /// first, then from lots past expiry whose expiry is not posted yet; what they cannot cover becomes debt.
    /// Posting an id twice changes nothing.
    /// </summary>
    public LoyaltyAccount Post(PointsLedgerEntry entry, string? zone)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (HasApplied(entry.EntryId)) return this;
        entry = entry with { Points = PointsLimits.Clamp(entry.Points) };
        var next = this with { Applied = Applied.Add(entry.EntryId, entry.At) };
        if (PointsRules.Qualifies(entry.Rule) && entry.Points != 0) next = next.AddMonth(entry.At, zone, entry.Points, 0m);

        if (entry.Rule == PointsRules.Expire && entry.EntryId.StartsWith(ExpiryPrefix, StringComparison.Ordinal))
        {
            return next.Close(entry.EntryId[ExpiryPrefix.Length..], -entry.Points);
        }

        if (entry.Points > 0)
        {
            var absorbed = Math.Min(next.Debt, entry.Points);
            var remaining = entry.Points - absorbed;
            next = next with { Debt = next.Debt - absorbed };
            return remaining == 0 ? next : next with { Lots = Insert(next.Lots, new PointsLot(entry.EntryId, entry.At, entry.ExpiresAt, entry.Points, remaining)) };
        }

        return entry.Points < 0 ? next.Take(-entry.Points, entry.At) : next;
    }

    /// <summary>Adds net spend (negative for refunds) to the month of <paramref name="at"/>.</summary>
    public LoyaltyAccount AddSpend(DateTimeOffset at, decimal amount, string? zone) => amount == 0m ? this : AddMonth(at, zone, 0, amount);

    /// <summary>Qualifying points and net spend over the months <paramref name="fromMonth"/>..<paramref name="toMonth"/> (inclusive, <c>yyyy-MM</c>).</summary>
    public MonthTotals Between(string fromMonth, string toMonth)
    {
        long points = 0;
        var spend = 0m;
        foreach (var (month, totals) in Months)
        {
            if (string.CompareOrdinal(month, fromMonth) < 0 || string.CompareOrdinal(month, toMonth) > 0) continue;
            points = PointsLimits.Add(points, totals.Points);
            spend = PointsLimits.ClampAmount(spend + totals.Spend);
        }

        return new MonthTotals(points, spend);
    }

    /// <summary>Expiry entries for lots whose time has come (<c>expire/&lt;entry id&gt;</c>, dated at the expiry instant).</summary>
    public IReadOnlyList<PointsLedgerEntry> DueExpiries(string customerId, DateTimeOffset now) =>
        !Lots.Any(l => l.ExpiresAt is { } x && x <= now && l.Remaining > 0) ? [] : // the usual case, without building a query per decision
        [.. Lots.Where(l => l.ExpiresAt is { } x && x <= now && l.Remaining > 0)
            .OrderBy(l => l.ExpiresAt).ThenBy(l => l.EntryId, StringComparer.Ordinal)
            .Select(l => new PointsLedgerEntry(
                ExpiryPrefix + l.EntryId,
                customerId,
                l.ExpiresAt!.Value,
                -l.Remaining,
                PointsRules.Expire,
                $"{l.Remaining.ToString(CultureInfo.InvariantCulture)} of {l.Points.ToString(CultureInfo.InvariantCulture)} points from {l.EntryId} expired"))];

    /// <summary>Forgets what no late event can touch any more: old entry ids, orders, daily counts and months.</summary>
    public LoyaltyAccount Prune(DateTimeOffset now, LoyaltyProgram program, string? zone)
    {
        ArgumentNullException.ThrowIfNull(program);
        var horizon = now - program.LateEventLimit - TimeSpan.FromDays(2);
        var dayHorizon = CustomerClock.DayKey(now - program.LateInteractionLimit - TimeSpan.FromDays(2), zone);
        var today = CustomerClock.Day(now, zone);
        var monthHorizon = CustomerClock.MonthKey(today.PlusMonths(-24).Year, today.PlusMonths(-24).Month);
        // Runs at the end of every decision and usually finds nothing: lists only once there is something to forget.
        List<string>? applied = null, orders = null, daily = null, months = null;
        foreach (var (key, at) in Applied)
        {
            if (at < horizon) (applied ??= []).Add(key);
        }

        foreach (var (key, order) in Orders)
        {
            if (order.At < horizon) (orders ??= []).Add(key);
        }

        foreach (var (key, _) in DailyCounts)
        {
            if (string.CompareOrdinal(key, 0, dayHorizon, 0, dayHorizon.Length) < 0) (daily ??= []).Add(key);
        }

        foreach (var (key, _) in Months)
        {
            if (string.CompareOrdinal(key, monthHorizon) < 0) (months ??= []).Add(key);
        }

        if (applied is null && orders is null && daily is null && months is null) return this;
        return this with
        {
            Applied = applied is null ? Applied : Applied.RemoveRange(applied),
            Orders = orders is null ? Orders : Orders.RemoveRange(orders),
            DailyCounts = daily is null ? DailyCounts : DailyCounts.RemoveRange(daily),
            Months = months is null ? Months : Months.RemoveRange(months),
        };
    }

    private LoyaltyAccount AddMonth(DateTimeOffset at, string? zone, long points, decimal spend)
    {
        var key = CustomerClock.MonthKey(at, zone);
        var totals = Months.GetValueOrDefault(key) ?? new MonthTotals();
        return this with { Months = Months.SetItem(key, new MonthTotals(PointsLimits.Add(totals.Points, points), PointsLimits.ClampAmount(PointsLimits.ClampAmount(totals.Spend) + PointsLimits.ClampAmount(spend)))) };
    }

    private LoyaltyAccount Close(string lotId, long points)
    {
        for (var i = 0; i < Lots.Length; i++)
        {
            if (Lots[i].EntryId != lotId) continue;
            var left = Lots[i].Remaining - Math.Min(points, Lots[i].Remaining);
            return this with { Lots = left == 0 ? Lots.RemoveAt(i) : Lots.SetItem(i, Lots[i] with { Remaining = left }) };
        }

        return this;
    }

    private LoyaltyAccount Take(long points, DateTimeOffset at)
    {
        var lots = Lots.ToBuilder();
        // Lots still valid at that time first, the one expiring first first. Then lots past their expiry whose
        // expiry is not written yet: they were still on the balance the customer saw, so spending them is fair
        // (and they must not expire as well).
        foreach (var stillValid in new[] { true, false })
        {
            for (var i = 0; i < lots.Count && points > 0; i++)
            {
                var valid = lots[i].ExpiresAt is not { } x || x > at;
                if (valid != stillValid) continue;
                var taken = Math.Min(points, lots[i].Remaining);
                points -= taken;
                lots[i] = lots[i] with { Remaining = lots[i].Remaining - taken };
            }
        }

        lots.RemoveAll(l => l.Remaining == 0);
        return this with { Lots = lots.ToImmutable(), Debt = PointsLimits.Add(Debt, points) };
    }

    private static ImmutableArray<PointsLot> Insert(ImmutableArray<PointsLot> lots, PointsLot lot)
    {
        var index = 0;
        while (index < lots.Length && Compare(lots[index], lot) <= 0) index++;
        return lots.Insert(index, lot);
    }

    private static int Compare(PointsLot a, PointsLot b)
    {
        var byExpiry = (a.ExpiresAt ?? DateTimeOffset.MaxValue).CompareTo(b.ExpiresAt ?? DateTimeOffset.MaxValue);
        if (byExpiry != 0) return byExpiry;
        var byEarned = a.EarnedAt.CompareTo(b.EarnedAt);
        return byEarned != 0 ? byEarned : string.CompareOrdinal(a.EntryId, b.EntryId);
    }
}
