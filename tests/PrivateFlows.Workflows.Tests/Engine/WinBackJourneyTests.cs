using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>win-back: churn warning at 30/60/90 days without an order with escalating offers; an order restarts the countdown.</summary>
public class WinBackJourneyTests
{
    private static readonly JourneyVersion Journey = BuiltIn.Journey(BuiltIn.WinBack);
    private static readonly CustomerProfile Lin = People.LinXiao("c1");

    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 1, 5, 10, 48);
    private static readonly CustomerEvent LastOrder = Events.Order("o1", T0, amount: 268m);

    [Fact]
    public void Simulate_NoOrderFor104Days_WarnsAt30_60_90ThenCompletes()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(150), LastOrder);

        result.Path().Should().Equal(
            "entered",
            "action reset-tags",
            "waiting wait-30d",
            "waited wait-30d",
            "sent miss-you",
            "action mark-contacted",
            "waiting wait-60d",
            "waited wait-60d",
            "branched offer-size",
            "action offer-coupon",
            "sent offer-sms",
            "waiting wait-90d",
            "waited wait-90d",
            "branched last-chance-size",
            "action last-chance-coupon",
            "action flag-churn-risk",
            "sent last-chance-sms",
            "waiting last-chance-window",
            "waited last-chance-window",
            "completed done");
        result.Single("sent", "miss-you").Time.Should().Be(T0.AddDays(30));
        result.Single("sent", "offer-sms").Time.Should().Be(T0.AddDays(60));
        result.Single("sent", "last-chance-sms").Time.Should().Be(T0.AddDays(90));
        result.Single("completed", "done").Time.Should().Be(T0.AddDays(104));
        result.FinalState.Profile.Tags.Should().Contain(["win-back-contacted", "churned-risk"]);
        result.Completions().Single().Outcome.Should().Be(InstanceOutcome.Completed);
    }

    [Fact]
    public void Simulate_MemberTier_OffersEscalateFrom20To30()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(150), LastOrder);

        var coupons = result.EffectsOf<IssueCoupon>();
        coupons.Select(c => (c.Coupon, c.Amount)).Should().Equal(("WINBACK20", 20m), ("WINBACK30", 30m));

        var missYou = result.Send("miss-you");
        missYou.Body.Should().StartWith("【广告】林晓，好久不见").And.EndWith("回复TD退订");
        var offer = result.Send("offer-sms");
        offer.Body.Should().Contain("林晓").And.Contain(coupons[0].Code).And.Contain("20元").And.NotContain("金卡").And.StartWith("【广告】").And.EndWith("回复TD退订");
        var last = result.Send("last-chance-sms");
        last.Body.Should().Contain(coupons[1].Code).And.Contain("30元").And.StartWith("【广告】").And.EndWith("回复TD退订");
    }

    [Fact]
    public void Simulate_GoldTier_GetsBiggerCoupons()
    {
        var result = Sim.Run(Journey, Lin with { Tier = "gold" }, T0.AddDays(150), LastOrder);

        result.EffectsOf<IssueCoupon>().Select(c => (c.Coupon, c.Amount)).Should().Equal(("WINBACK30-GOLD", 30m), ("WINBACK50-GOLD", 50m));
        result.Single("branched", "offer-size").Detail.Should().Be("customer.tier == \"gold\" → offer-coupon-gold");
        result.Send("offer-sms").Body.Should().Contain("金卡会员专属");
        result.Send("last-chance-sms").Body.Should().Contain("金卡会员专享50元");
    }

    [Fact]
    public void Simulate_OrdersAfterTheLastChance_ConvertsAndRestartsTheCountdown()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(96), LastOrder, Events.Order("o2", T0.AddDays(95), amount: 412m));

        result.Path().Should().EndWith(["sent last-chance-sms", "waiting last-chance-window", "goal_reached last-chance-window", "entered", "action reset-tags", "waiting wait-30d"]);
        result.Completions().Should().ContainSingle().Which.Outcome.Should().Be(InstanceOutcome.Converted);
        result.FinalState.Profile.Tags.Should().NotContain("win-back-contacted").And.NotContain("churned-risk");
        result.FinalState.Instances.Count(i => i.IsActive).Should().Be(1);
    }

    [Fact]
    public void Simulate_OrdersRightAfterFirstWarning_ConvertsEarlyWithoutCoupons()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(32), LastOrder, Events.Order("o2", T0.AddDays(31), amount: 88m));

        result.Single("goal_reached", "wait-60d").Time.Should().Be(T0.AddDays(31));
        result.EffectsOf<IssueCoupon>().Should().BeEmpty();
        result.Sends().Select(s => s.StepId).Should().Equal("miss-you");
        result.Completions().Single().Outcome.Should().Be(InstanceOutcome.Converted);
    }

    [Fact]
    public void Simulate_OrdersBeforeAnyWarning_ExitsQuietlyAndTheNewInstanceCountsFromTheNewOrder()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(41), LastOrder, Events.Order("o2", T0.AddDays(10), amount: 96m));

        var exited = result.Single("exited", "wait-30d");
        exited.Time.Should().Be(T0.AddDays(10));
        exited.Detail.Should().Be("exited: exit event order.completed (o2)");
        result.Of("goal_reached").Should().BeEmpty("the customer was never contacted");
        result.Of("entered").Should().HaveCount(2);
        result.Single("sent", "miss-you").Time.Should().Be(T0.AddDays(40));
    }

    [Fact]
    public void Simulate_UnsubscribedFromEverything_Exits()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(150), LastOrder, Events.Unsubscribed("u1", T0.AddDays(45)));

        result.Single("exited", "wait-60d").Detail.Should().Contain("customer.unsubscribed (u1)");
        result.Sends().Select(s => s.StepId).Should().Equal("miss-you");
        result.EffectsOf<IssueCoupon>().Should().BeEmpty();
    }

    [Fact]
    public void Simulate_NewYorkCustomerOrderedLateEvening_Day30WarningDeferredTo9Local()
    {
        var emily = People.EmilyChen("c1");
        var ordered = Clock.NewYork(2026, 1, 10, 22, 0);

        var result = Sim.Run(Journey, emily, ordered.AddDays(32), Events.Order("o1", ordered, amount: 120m));

        var deferred = result.Single("deferred", "miss-you");
        deferred.Time.Should().Be(ordered.AddDays(30));
        deferred.Detail.Should().Be("win-back-miss-you deferred until 2026-02-10T14:00:00Z: quiet hours 21:00–09:00 in America/New_York");
        var sent = result.Single("sent", "miss-you");
        Clock.Local(sent.Time, People.NewYorkZone).Should().Be("2026-02-10 09:00");

        var push = result.Send("miss-you");
        push.Locale.Should().Be("en");
        push.Body.Should().StartWith("[Ad] Hi Emily Chen, it's been a while").And.EndWith("Reply TD to unsubscribe");
        // A deferral does not hold up the journey: the next steps run at once, the message goes at 09:00.
        result.Single("action", "mark-contacted").Time.Should().Be(deferred.Time);
    }
}
