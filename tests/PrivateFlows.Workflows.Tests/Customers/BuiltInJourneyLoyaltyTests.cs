using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>The built-in journeys read tiers, RFM groups, segments and lifecycle computed by the customer model.</summary>
public class BuiltInJourneyLoyaltyTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 3, 2, 10, 0);

    [Fact]
    public void WinBack_TierEarnedBySpend_GetsTheGoldCoupon()
    {
        var result = Sim.Run(BuiltIn.Journey(BuiltIn.WinBack), People.LinXiao("c1"), T0.AddDays(70), Events.Order("o1", T0, amount: 3_288m));

        result.FinalState.Profile.Tier.Should().Be("gold");
        result.Single("branched", "offer-size").Detail.Should().Be("customer.tier == \"gold\" → offer-coupon-gold");
    }

    [Fact]
    public void WinBack_Platinum_GetsTheGoldCouponToo()
    {
        var result = Sim.Run(BuiltIn.Journey(BuiltIn.WinBack), People.LinXiao("c1"), T0.AddDays(70), Events.Order("o1", T0, amount: 12_000m));

        result.FinalState.Profile.Tier.Should().Be("platinum");
        result.Single("branched", "offer-size").Detail.Should().EndWith("→ offer-coupon-gold");
    }

    [Fact]
    public void WinBack_SlippingAwayRegular_BiggerLastChanceCoupon()
    {
        // Three ¥300 orders: still a member (¥900 < ¥1,000), but F3 M3 — at day 90 (R2) the RFM group is at-risk.
        var result = Sim.Run(BuiltIn.Journey(BuiltIn.WinBack), People.LinXiao("c1"), T0.AddDays(110),
            Events.Order("o1", T0.AddDays(-20), amount: 300m), Events.Order("o2", T0.AddDays(-10), amount: 300m), Events.Order("o3", T0, amount: 300m));

        result.FinalState.Profile.Tier.Should().Be("member");
        result.Single("branched", "offer-size").Detail.Should().Be("no condition true → offer-coupon", "at day 60 she is R3: need-attention");
        result.Single("branched", "last-chance-size").Detail.Should().Be("customer.tier == \"platinum\" || (array.contains customer.segments \"slipping-away\") → last-chance-coupon-gold");
    }

    [Fact]
    public void WinBack_FreeGiftOrder_StartsNoCountdown()
    {
        var result = Sim.Run(BuiltIn.Journey(BuiltIn.WinBack), People.LinXiao("c1"), T0.AddDays(40), Events.Order("o1", T0, amount: 0m));

        result.Single("not_entered", null).Detail.Should().Be("not in segment: customer.orders.net > 0");
    }

    [Fact]
    public void RepurchaseNudge_DuringTheJourneyCooldown_NotEntered_AfterItEnters()
    {
        var paused = People.LinXiao("c1");
        var pause = Events.ProfileUpdated("p1", T0.AddDays(-1), new JsonObject { ["attributes"] = new JsonObject { ["repurchase_nudge_paused_until"] = "2026-03-20T00:00:00Z" } });

        var result = Sim.Run(BuiltIn.Journey(BuiltIn.RepurchaseNudge), paused, T0.AddDays(30), pause, Events.Order("o1", T0, amount: 159m), Events.Order("o2", T0.AddDays(20), amount: 159m));

        result.Of("not_entered").Should().ContainSingle().Which.Detail.Should().StartWith("not in segment: (customer.attributes.repurchase_nudge_paused_until");
        result.Of("entered").Should().ContainSingle().Which.Time.Should().Be(T0.AddDays(20));
    }

    [Fact]
    public void ReferralReward_Simulated_PaysAndBalancesBothLedgers()
    {
        var result = Sim.Run(BuiltIn.Journey(BuiltIn.ReferralReward), People.LinXiao("c1"), T0.AddDays(40),
            Events.ReferralAccepted("ref1", T0), Events.Order("o1", T0.AddDays(2), amount: 89m, orderId: "SO-1"));

        var reward = result.EffectsOf<RewardReferral>().Single();
        result.FinalState.Profile.Points.Should().Be(89 + 200);
        result.EffectsOf<RecordPoints>().Sum(r => r.Points).Should().Be(89, "the runtime writes the referee's 200 from RewardReferral as {EffectId}/referee");
        result.FinalState.Profile.Loyalty.Lots.Select(l => l.EntryId).Should().BeEquivalentTo(["o1/order", $"{reward.EffectId}/referee"]);
    }
}
