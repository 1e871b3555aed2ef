using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Segments;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>Points arithmetic saturates at <see cref="PointsLimits.MaxPoints"/>: hostile amounts never wrap a balance negative or make a read throw.</summary>
public class HostileNumbersTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 5, 10, 12, 0);

    private static CustomerEvent HugeOrder(string id, DateTimeOffset at, string amount) =>
        Events.Make(id, EventTypes.OrderCompleted, at, new JsonObject { ["orderId"] = "SO-" + id, ["amount"] = JsonNode.Parse(amount) });

    [Fact]
    public void Decide_TwoOrdersOf9E18_BalanceSaturatesPositiveAndEverythingStillReads()
    {
        var decide = new Decide();

        decide.Event(HugeOrder("o1", T0, "9000000000000000000"));
        decide.Event(HugeOrder("o2", T0.AddMinutes(1), "9000000000000000000"));

        var profile = decide.Profile;
        profile.Points.Should().Be(PointsLimits.MaxPoints);
        profile.Loyalty.OpenPoints.Should().Be(PointsLimits.MaxPoints);
        PointsLedger.Balance(decide.Effects.OfType<RecordPoints>().Select(r => r.Entry)).Should().Be(PointsLimits.MaxPoints);
        decide.Effects.OfType<RecordPoints>().Should().OnlyContain(r => r.Points > 0 && r.Points <= PointsLimits.MaxPoints);

        var now = T0.AddDays(1);
        var reads = () =>
        {
            SegmentEvaluator.Memberships(profile, now);
            RfmScoring.Score(profile, now, RfmThresholds.Default);
            Lifecycle.Stage(profile, now, LifecycleThresholds.Default);
            TemplateSandbox.Render("{{ customer.points }} {{ customer.tier }} {{ customer.rfm.m }}", ScriptModel.For(profile, null, null, now));
            Kpis.Compute([profile, profile with { CustomerId = "c2" }], now, p => p.Tier);
            RfmQuintiles.Compute([profile, profile with { CustomerId = "c2" }], now);
        };
        reads.Should().NotThrow();
    }

    [Theory]
    [InlineData("1e30")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("-9000000000000000000")]
    public void Decide_AmountBeyondAnyLong_NoThrowNoNegativeBalance(string amount)
    {
        var decide = new Decide();

        var act = () => decide.Event(HugeOrder("o1", T0, amount));

        act.Should().NotThrow();
        decide.Profile.Points.Should().BeInRange(0, PointsLimits.MaxPoints);
    }

    [Fact]
    public void Decide_AwardAndRedeemBeyondLong_Clamped()
    {
        var decide = new Decide();

        decide.Event(Events.Make("a1", EventTypes.PointsAwarded, T0, new JsonObject { ["points"] = JsonNode.Parse("1e25") }));
        decide.Profile.Points.Should().Be(PointsLimits.MaxPoints);
        decide.Event(Events.Make("r1", EventTypes.PointsRedeemed, T0.AddMinutes(1), new JsonObject { ["points"] = JsonNode.Parse("1e25") }));

        decide.Profile.Points.Should().Be(0);
    }

    [Fact]
    public void Add_NearTheLimits_Saturates()
    {
        PointsLimits.Add(long.MaxValue, long.MaxValue).Should().Be(PointsLimits.MaxPoints);
        PointsLimits.Add(long.MinValue, -1).Should().Be(-PointsLimits.MaxPoints);
        PointsLimits.FromDecimal(decimal.MaxValue).Should().Be(PointsLimits.MaxPoints);
        PointsLimits.Sum([PointsLimits.MaxPoints, PointsLimits.MaxPoints, -5]).Should().Be(PointsLimits.MaxPoints - 5);
    }
}
