using System.Collections.Immutable;
using System.Globalization;
using NodaTime;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Workflows.Loyalty;

/// <summary>
/// Member tiers: upgrade as soon as the trailing 12 months (this month and the 11 before) qualify; downgrade
/// only at the yearly review, which recomputes the tier from the 12 full months before the review date.
/// </summary>
public static class MemberTiers
{
    /// <summary>Reviews missed for longer than this many years are caught up in one go.</summary>
    private const int MaxReviewsAtOnce = 10;

    /// <summary>The qualifying value (net spend or points) over the 12 months ending with the month of <paramref name="asOf"/>.</summary>
    public static decimal Trailing(LoyaltyAccount account, LoyaltyProgram program, DateTimeOffset asOf, string? zone)
    {
        var month = Month(asOf, zone);
        return Value(account, program, month.PlusMonths(-11), month);
    }

    /// <summary>The qualifying value over the 12 full months before the month of the review.</summary>
    public static decimal ForReview(LoyaltyAccount account, LoyaltyProgram program, DateTimeOffset review, string? zone)
    {
        var month = Month(review, zone);
        return Value(account, program, month.PlusMonths(-12), month.PlusMonths(-1));
    }

    /// <summary>The highest tier whose threshold the value reaches.</summary>
    public static string TierFor(decimal value, LoyaltyProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var tier = program.BaseTier;
        foreach (var t in program.Tiers)
        {
            if (value >= t.Threshold) tier = t.Name;
        }

        return tier;
    }

    /// <summary>The tier above the customer's and how much qualifying value is still missing as of <paramref name="now"/>; null at the top.</summary>
    public static (MemberTier Tier, decimal Missing)? Next(CustomerProfile profile, LoyaltyProgram program, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(program);
        var rank = program.Rank(profile.Tier);
        if (rank + 1 >= program.Tiers.Length) return null;
        var next = program.Tiers[rank + 1];
        return (next, Math.Max(0m, next.Threshold - Trailing(profile.Loyalty, program, now, profile.TimeZone)));
    }

    /// <summary>Upgrades the customer when the trailing 12 months as of <paramref name="now"/> reach a higher tier.</summary>
    public static LoyaltyUpdate Upgrade(CustomerProfile profile, LoyaltyProgram program, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(program);
        var value = Trailing(profile.Loyalty, program, now, profile.TimeZone);
        var qualified = TierFor(value, program);
        if (program.Rank(qualified) <= program.Rank(profile.Tier) || qualified == profile.Tier) return LoyaltyUpdate.Unchanged(profile);
        var change = new TierChange(profile.Tier, qualified, now, $"upgrade: {Describe(value, program)} in the last 12 months reaches {qualified} ({Describe(Threshold(qualified, program), program)})") { IsUpgrade = true };
        return new LoyaltyUpdate(Apply(profile, qualified, now, program), [], [change]);
    }

    /// <summary>
    /// Runs every yearly review due by <paramref name="now"/>: the tier becomes what the 12 full months before the
    /// review qualify for (it may go down). Only customers above the base tier can change; the schedule advances for all.
    /// </summary>
    public static LoyaltyUpdate Review(CustomerProfile profile, LoyaltyProgram program, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(program);
        var zone = profile.TimeZone;
        if (profile.Loyalty.NextTierReview is not { } review)
        {
            return LoyaltyUpdate.Unchanged(profile with { Loyalty = profile.Loyalty with { NextTierReview = NextReview(now, program, zone) } });
        }

        if (review > now) return LoyaltyUpdate.Unchanged(profile); // nothing due: the same profile, not an equal copy

        var changes = ImmutableArray.CreateBuilder<TierChange>();
        var p = profile;
        for (var count = 0; review <= now; count++)
        {
            if (count < MaxReviewsAtOnce && program.Rank(p.Tier) > 0)
            {
                var value = ForReview(p.Loyalty, program, review, zone);
                var tier = TierFor(value, program);
                if (tier != p.Tier)
                {
                    var month = Month(review, zone);
                    var from = Key(month.PlusMonths(-12));
                    var to = Key(month.PlusMonths(-1));
                    var why = program.Rank(tier) < program.Rank(p.Tier)
                        ? $"{p.Tier} needs {Describe(Threshold(p.Tier, program), program)}"
                        : $"{tier} from {Describe(Threshold(tier, program), program)}";
                    changes.Add(new TierChange(p.Tier, tier, review, $"yearly review {CustomerClock.DayKey(review, zone)}: {Describe(value, program)} in {from}..{to}; {why}")
                    {
                        IsUpgrade = program.Rank(tier) > program.Rank(p.Tier),
                    });
                    p = Apply(p, tier, review, program);
                }
            }

            review = NextReview(review, program, zone);
        }

        return new LoyaltyUpdate(p with { Loyalty = p.Loyalty with { NextTierReview = review } }, [], changes.ToImmutable());
    }

    /// <summary>The first review date strictly after <paramref name="after"/>, at 00:00 local.</summary>
    public static DateTimeOffset NextReview(DateTimeOffset after, LoyaltyProgram program, string? zone)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (!program.TryReviewDate(out var month, out var day)) (month, day) = (1, 1);
        return CustomerClock.NextAnnual(after, month, day, TimeOnly.MinValue, zone);
    }

    private static CustomerProfile Apply(CustomerProfile profile, string tier, DateTimeOffset at, LoyaltyProgram program) =>
        profile with { Tier = tier, Loyalty = profile.Loyalty with { TierSince = at, NextTierReview = profile.Loyalty.NextTierReview ?? NextReview(at, program, profile.TimeZone) } };

    private static decimal Value(LoyaltyAccount account, LoyaltyProgram program, YearMonth from, YearMonth to)
    {
        var totals = account.Between(Key(from), Key(to));
        return program.TierBasis == TierBasis.Points ? totals.Points : totals.Spend;
    }

    private static decimal Threshold(string tier, LoyaltyProgram program) => program.Tiers.FirstOrDefault(t => t.Name == tier)?.Threshold ?? 0m;

    private static string Describe(decimal value, LoyaltyProgram program) =>
        program.TierBasis == TierBasis.Points
            ? $"{value.ToString("#,0", CultureInfo.InvariantCulture)} points"
            : $"¥{value.ToString("#,0.##", CultureInfo.InvariantCulture)} net spend";

    private static YearMonth Month(DateTimeOffset at, string? zone)
    {
        var day = CustomerClock.Day(at, zone);
        return new YearMonth(day.Year, day.Month);
    }

    private static string Key(YearMonth month) => CustomerClock.MonthKey(month.Year, month.Month);
}
