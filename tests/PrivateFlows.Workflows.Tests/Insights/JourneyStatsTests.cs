using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Tests.Insights;

public class JourneyStatsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static IEnumerable<InstanceSummary> Make(string variant, int converted, int completed, int exited = 0, decimal revenuePerConversion = 100m, string version = "v1")
    {
        for (var i = 0; i < converted; i++) yield return new InstanceSummary("j", version, variant, T0, InstanceOutcome.Converted, 2, 0, revenuePerConversion, 10m);
        for (var i = 0; i < completed; i++) yield return new InstanceSummary("j", version, variant, T0, InstanceOutcome.Completed, 2, 1, 0m, 0m);
        for (var i = 0; i < exited; i++) yield return new InstanceSummary("j", version, variant, T0, InstanceOutcome.Exited, 1, 0, 0m, 0m);
    }

    [Fact]
    public void Compute_HandExample_CountsRevenueCostAndRoi()
    {
        // a: 30 converted of 100; b: 20 of 100; holdout: 5 of 50.
        var instances = Make("a", 30, 70).Concat(Make("b", 20, 80)).Concat(Make(JourneyStats.Holdout, 5, 45)).ToList();

        var stats = JourneyStats.Compute("j", instances, costPerMessage: 0.05m);

        var a = stats.Variants.Single(v => v.Variant == "a");
        a.Entered.Should().Be(100);
        a.Converted.Should().Be(30);
        a.Conversion.Rate.Should().Be(0.3);
        a.Sent.Should().Be(200);
        a.Suppressed.Should().Be(70);
        // Revenue excludes the holdout: (30 + 20) × 100.
        stats.AttributedRevenue.Should().Be(5000m);
        // 250 instances × 2 sends × 0.05.
        stats.MessageCost.Should().Be(25m);
        // Coupons are charged for every conversion, holdout included: 55 × 10.
        stats.CouponCost.Should().Be(550m);
        stats.Roi.Should().BeApproximately((double)((5000m - 575m) / 575m), 1e-9);
        // Treated 50/200 = 0.25 vs holdout 5/50 = 0.10.
        stats.HoldoutUplift.Should().BeApproximately(0.15, 1e-9);
    }

    [Fact]
    public void Compute_IndependentRecount_AgreesWithEveryVariantRow()
    {
        var random = new Random(7);
        var outcomes = new InstanceOutcome?[] { null, InstanceOutcome.Completed, InstanceOutcome.Converted, InstanceOutcome.Exited };
        var instances = Enumerable.Range(0, 500).Select(i => new InstanceSummary(
            "j", i % 3 == 0 ? "v2" : "v1", new[] { "a", "b", JourneyStats.Holdout }[random.Next(3)], T0,
            outcomes[random.Next(outcomes.Length)], random.Next(4), random.Next(2), random.Next(0, 300), 0m)).ToList();

        var stats = JourneyStats.Compute("j", instances, 0m);

        foreach (var row in stats.Variants)
        {
            var mine = instances.Where(i => i.Version == row.Version && i.Variant == row.Variant).ToList();
            row.Entered.Should().Be(mine.Count);
            row.Converted.Should().Be(mine.Count(i => i.Outcome == InstanceOutcome.Converted));
            row.Exited.Should().Be(mine.Count(i => i.Outcome == InstanceOutcome.Exited));
            row.Active.Should().Be(mine.Count(i => i.Outcome is null));
            row.Sent.Should().Be(mine.Sum(i => i.Sent));
            row.Revenue.Should().Be(mine.Sum(i => i.Revenue));
        }

        stats.Variants.Sum(v => v.Entered).Should().Be(500);
    }

    [Fact]
    public void Compute_ClearWinner_IsDeclared()
    {
        var stats = JourneyStats.Compute("j", Make("a", 300, 700).Concat(Make("b", 150, 850)), 0m, winnerConfidence: 0.95);

        stats.Winner.Should().Be("a");
        stats.WinnerConfidence.Should().BeGreaterThan(0.99);
    }

    [Fact]
    public void Compute_TooCloseToCall_DeclaresNoWinner()
    {
        var stats = JourneyStats.Compute("j", Make("a", 11, 89).Concat(Make("b", 10, 90)), 0m, winnerConfidence: 0.95);

        stats.Winner.Should().BeNull();
        stats.WinnerConfidence.Should().BeLessThan(0.95);
    }
}
