using System.Collections.Immutable;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Workflows.Customers;

/// <summary>
/// The private-domain operations settings every decision uses: lifecycle and RFM thresholds, named segments,
/// the loyalty program and the referral anti-fraud rules. <see cref="Default"/> is the seed playbook.
/// </summary>
public sealed record CustomerProgram
{
    /// <summary>The seed named segments; marketers add their own.</summary>
    public static readonly ImmutableArray<SegmentDefinition> SeedSegments =
    [
        new("vip", "customer.tier == \"gold\" || customer.tier == \"platinum\"", "gold and platinum members"),
        new("high-value", "customer.rfm.group == \"champions\" || customer.rfm.group == \"loyal\"", "recent, frequent, big spenders"),
        new("slipping-away", "customer.rfm.group == \"at-risk\" || customer.rfm.group == \"cannot-lose\"", "good customers going quiet"),
        new("win-back-target", "customer.lifecycle == \"at-risk\" || customer.lifecycle == \"dormant\"", "silent long enough for a win-back offer, not yet churned"),
        new("check-in-regulars", "customer.activity.check_in_streak >= 7", "checked in every day for a week or more"),
        new("birthday-month", "customer.is_birthday_month", "it is their birthday month"),
        new("never-ordered", "customer.orders.count == 0", "registered, no order yet"),
    ];

    public LifecycleThresholds Lifecycle { get; init; } = LifecycleThresholds.Default;
    public RfmThresholds Rfm { get; init; } = RfmThresholds.Default;
    /// <summary>With <see cref="RfmMode.Quintiles"/> the runtime computes <see cref="Rfm"/> from the customer base (<see cref="RfmQuintiles.Compute"/>) and passes the result in.</summary>
    public RfmMode RfmMode { get; init; } = RfmMode.Fixed;
    public ImmutableArray<SegmentDefinition> Segments { get; init; } = SeedSegments;
    public LoyaltyProgram Loyalty { get; init; } = LoyaltyProgram.Default;
    public ReferralRules Referral { get; init; } = ReferralRules.Default;

    public static readonly CustomerProgram Default = new();

    /// <summary>Every configuration mistake, in the marketer's words.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        problems.AddRange(Lifecycle.Problems());
        problems.AddRange(Rfm.Problems());
        problems.AddRange(Loyalty.Problems());
        problems.AddRange(Segments.Select(s => s.Problem()).OfType<string>());
        problems.AddRange(Segments.GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"segment '{g.Key}' is defined twice"));
        if (Referral.MaxReferralsPerReferrerPerDay < 1) problems.Add("allow at least 1 referral per referrer a day");
        return problems;
    }
}
