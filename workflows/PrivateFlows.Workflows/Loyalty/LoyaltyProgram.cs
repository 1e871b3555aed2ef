using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Loyalty;

/// <summary>
/// The membership program: how points are earned, spent and expire, and how tiers are won and lost.
/// The defaults are the seed playbook of a CNY consumer shop; every value can be configured.
/// </summary>
public sealed record LoyaltyProgram
{
    /// <summary>Points per currency unit of an order's paid amount, rounded down: 1 point per ¥1.</summary>
    public decimal PointsPerCurrencyUnit { get; init; } = 1m;

    /// <summary>Order points are multiplied by this in the customer's birthday month (local time); 1 = no bonus.</summary>
    public decimal BirthdayMultiplier { get; init; } = 2m;

    /// <summary>Check-in streak ladder: day 1 → 5, day 3 → 10, day 7 and on → 30 points a day. One reward per local day.</summary>
    public ImmutableArray<StreakReward> CheckInRewards { get; init; } = [new(1, 5), new(3, 10), new(7, 30)];

    /// <summary>Points for interactions, by event type, with a daily limit each.</summary>
    public ImmutableSortedDictionary<string, InteractionReward> Interactions { get; init; } =
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, InteractionReward>
        {
            [EventTypes.AppOpened] = new(1, 1),
            [EventTypes.CouponRedeemed] = new(5, 3),
            [EventTypes.ReviewPosted] = new(20, 1),
            [EventTypes.ContentShared] = new(10, 1),
        });

    /// <summary>Tiers from lowest to highest with their trailing-12-month thresholds (net spend in ¥ by default).</summary>
    public ImmutableArray<MemberTier> Tiers { get; init; } =
        [new("member", 0m), new("silver", 1_000m), new("gold", 3_000m), new("platinum", 10_000m)];

    public TierBasis TierBasis { get; init; } = TierBasis.Spend;

    /// <summary>
    /// The yearly tier review, local month-day <c>MM-dd</c> at 00:00: the tier is recomputed from the 12 full months
    /// before it and may go down. Upgrades happen immediately, whenever the trailing 12 months qualify.
    /// </summary>
    public string TierReviewDate { get; init; } = "01-01";

    public PointsExpiryPolicy Expiry { get; init; } = PointsExpiryPolicy.EndOfFollowingYear;

    public PointsRedemptionRules Redemption { get; init; } = new();

    /// <summary>Orders, refunds and awards older than this (against the decision time) earn or cost nothing: the ledger remembers entry ids this long.</summary>
    public TimeSpan LateEventLimit { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Check-ins and interactions older than this earn nothing (daily limits and streaks are remembered this long).</summary>
    public TimeSpan LateInteractionLimit { get; init; } = TimeSpan.FromDays(30);

    public static readonly LoyaltyProgram Default = new();

    public string BaseTier => Tiers.IsEmpty ? "member" : Tiers[0].Name;

    /// <summary>Position of a tier from the bottom; a tier the program does not know counts as the base tier.</summary>
    public int Rank(string? tier)
    {
        for (var i = 0; i < Tiers.Length; i++)
        {
            if (string.Equals(Tiers[i].Name, tier, StringComparison.Ordinal)) return i;
        }

        return 0;
    }

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (PointsPerCurrencyUnit < 0) problems.Add("points per currency unit must not be negative");
        if (BirthdayMultiplier < 1) problems.Add("the birthday multiplier must be at least 1");
        if (CheckInRewards.Any(s => s.Day < 1) || CheckInRewards.Select(s => s.Day).Distinct().Count() != CheckInRewards.Length)
        {
            problems.Add("check-in reward days must be distinct and start at 1");
        }

        if (CheckInRewards.OrderBy(s => s.Day).Zip(CheckInRewards.OrderBy(s => s.Day).Skip(1)).Any(p => p.First.Points > p.Second.Points))
        {
            problems.Add("check-in rewards must not shrink as the streak grows");
        }

        if (Interactions.Values.Any(i => i.Points < 0 || i.DailyLimit < 1)) problems.Add("interaction rewards need points ≥ 0 and a daily limit ≥ 1");
        if (Tiers.IsEmpty) problems.Add("define at least one tier");
        else if (Tiers.Zip(Tiers.Skip(1)).Any(p => p.First.Threshold >= p.Second.Threshold)) problems.Add("tier thresholds must grow from the lowest tier to the highest");
        if (Tiers.Select(t => t.Name).Distinct(StringComparer.Ordinal).Count() != Tiers.Length) problems.Add("tier names must be distinct");
        if (!TryReviewDate(out _, out _)) problems.Add($"tier review date '{TierReviewDate}' is not MM-dd");
        if (Expiry.Kind == PointsExpiryKind.AfterDays && Expiry.Days <= 0) problems.Add("points expiry days must be positive");
        return problems;
    }

    public bool TryReviewDate(out int month, out int day)
    {
        month = day = 0;
        var parts = TierReviewDate.Split('-');
        return parts.Length == 2
            && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out month)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out day)
            && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(2001, month);
    }
}
