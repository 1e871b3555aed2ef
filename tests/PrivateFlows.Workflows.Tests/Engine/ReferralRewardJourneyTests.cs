using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>referral-reward: wait for the referee's first paid order, hold 7 days for refunds, then reward both sides (held when flagged).</summary>
public class ReferralRewardJourneyTests
{
    private static readonly JourneyVersion Journey = BuiltIn.Journey(BuiltIn.ReferralReward);
    private static readonly CustomerProfile Wang = People.LinXiao("c1") with { Name = "王可欣" };

    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 5, 10, 9, 12);
    private static readonly CustomerEvent Accepted = Events.ReferralAccepted("ref1", T0, referrerId: "cust-20001");
    private static readonly CustomerEvent FirstOrder = Events.Order("o1", T0.AddDays(2), amount: 89m, orderId: "SO-1");

    [Fact]
    public void Simulate_PaidOrderNotRefunded_RewardsBothSidesAfter7Days()
    {
        var result = Sim.Run(Journey, Wang, T0.AddDays(60), Accepted, FirstOrder);

        result.Path().Should().Equal(
            "entered",
            "sent invite-welcome",
            "waiting wait-first-order",
            "event_matched wait-first-order",
            "waiting refund-window",
            "timed_out refund-window",
            "action reward",
            "branched held-for-review",
            "sent thank-you",
            "goal_reached done");
        result.Single("waiting", "refund-window").Detail.Should().Contain("(orderId = SO-1)");
        result.Single("action", "reward").Time.Should().Be(FirstOrder.Time.AddDays(7));

        var reward = result.EffectsOf<RewardReferral>().Should().ContainSingle().Subject;
        reward.Should().BeEquivalentTo(new { ReferrerId = "cust-20001", ReferrerPoints = 500L, RefereePoints = 200L, Held = false, HoldReason = (string?)null });
        result.Single("action", "reward").Detail.Should().Be("referral reward paid: 500 points to cust-20001, 200 points to c1");
        result.Completions().Single().Outcome.Should().Be(InstanceOutcome.Converted);
    }

    [Fact]
    public void Simulate_Accepted_WelcomeIsMarketingAndThankYouIsTransactional()
    {
        var result = Sim.Run(Journey, Wang, T0.AddDays(60), Accepted, FirstOrder);

        var welcome = result.Send("invite-welcome");
        welcome.Category.Should().Be(SendCategory.Marketing);
        welcome.Body.Should().StartWith("【广告】小满生活：欢迎接受好友邀请加入！").And.EndWith("回复TD退订");

        var thanks = result.Send("thank-you");
        thanks.Channel.Should().Be(Channels.MiniProgram);
        thanks.Category.Should().Be(SendCategory.Transactional);
        thanks.Body.Should().StartWith("王可欣，您的邀请奖励200积分已到账").And.NotContain("【广告】");
    }

    [Fact]
    public void Simulate_NoOrderWithin30Days_TimesOutWithoutReward()
    {
        var result = Sim.Run(Journey, Wang, T0.AddDays(60), Accepted);

        result.Path().Should().Equal("entered", "sent invite-welcome", "waiting wait-first-order", "timed_out wait-first-order", "completed no-first-order");
        result.Single("timed_out", "wait-first-order").Time.Should().Be(T0.AddDays(30));
        result.Single("timed_out", "wait-first-order").Detail.Should().Be("no order.completed within 30d");
        result.EffectsOf<RewardReferral>().Should().BeEmpty();
        result.Completions().Single().Outcome.Should().Be(InstanceOutcome.Completed);
    }

    [Fact]
    public void Simulate_FirstOrderRefundedWithin7Days_ExitsWithoutReward()
    {
        var result = Sim.Run(Journey, Wang, T0.AddDays(60), Accepted, FirstOrder, Events.Refund("rf1", T0.AddDays(5), orderId: "SO-1"));

        result.Path().Should().EndWith(["waiting refund-window", "event_matched refund-window", "action mark-refunded", "exited refunded-end"]);
        result.EffectsOf<RewardReferral>().Should().BeEmpty();
        result.FinalState.Profile.Tags.Should().Contain("referral-refunded");
        result.Completions().Single().Outcome.Should().Be(InstanceOutcome.Exited);
    }

    [Fact]
    public void Simulate_RefundOfAnotherOrder_IsNotCorrelatedAndTheRewardIsPaid()
    {
        var result = Sim.Run(Journey, Wang, T0.AddDays(60), Accepted, FirstOrder,
            Events.Order("o2", T0.AddDays(3), amount: 45m, orderId: "SO-2"),
            Events.Refund("rf2", T0.AddDays(4), orderId: "SO-2", amount: 45m));

        result.Of("event_matched").Should().ContainSingle("only the first order matched; the other refund is not correlated");
        result.Of("exited").Should().BeEmpty();
        result.Single("timed_out", "refund-window").Time.Should().Be(FirstOrder.Time.AddDays(7));
        result.EffectsOf<RewardReferral>().Should().ContainSingle();
    }

    [Fact]
    public void Simulate_FreeOrderThenPaidOrder_OnlyThePaidOrderCounts()
    {
        var free = Events.Order("o0", T0.AddDays(1), amount: 0m, orderId: "SO-FREE");

        var result = Sim.Run(Journey, Wang, T0.AddDays(60), Accepted, free, FirstOrder, Events.Refund("rf0", T0.AddDays(3), orderId: "SO-FREE", amount: 0m));

        result.Single("event_matched", "wait-first-order").Detail.Should().Be("order.completed (o1) arrived");
        result.FinalState.Instances.Single().Vars["first_order_orderId"].Should().Be("SO-1");
        result.Single("waiting", "refund-window").Detail.Should().Contain("(orderId = SO-1)");
        result.Of("exited").Should().BeEmpty("the refunded free order is not the first paid order");
        result.EffectsOf<RewardReferral>().Should().ContainSingle();
    }

    [Fact]
    public void Simulate_FraudSuspect_RewardHeldForReviewAndNoThankYou()
    {
        var suspect = Wang with { Tags = ["fraud-suspect"] };

        var result = Sim.Run(Journey, suspect, T0.AddDays(60), Accepted, FirstOrder);

        var reward = result.EffectsOf<RewardReferral>().Should().ContainSingle().Subject;
        reward.Held.Should().BeTrue();
        reward.HoldReason.Should().StartWith("hold rule:");
        result.Single("action", "reward").Detail.Should().StartWith("referral reward held for review");
        result.Single("branched", "held-for-review").Detail.Should().EndWith("→ done");
        result.Sends().Select(s => s.StepId).Should().Equal("invite-welcome");
    }

    [Fact]
    public void Simulate_SelfReferral_RewardHeld()
    {
        var result = Sim.Run(Journey, Wang, T0.AddDays(60), Events.ReferralAccepted("ref1", T0, referrerId: "c1"), FirstOrder);

        var reward = result.EffectsOf<RewardReferral>().Should().ContainSingle().Subject;
        reward.Held.Should().BeTrue();
        reward.HoldReason.Should().Contain("self-referral");
    }

    [Fact]
    public void Simulate_UnsubscribedFromMarketing_StillEarnsTheReward()
    {
        var result = Sim.Run(Journey, Wang, T0.AddDays(60), Accepted, Events.Unsubscribed("u1", T0.AddHours(1)), FirstOrder);

        result.Of("exited").Should().BeEmpty("opting out of marketing must not forfeit an earned reward");
        result.EffectsOf<RewardReferral>().Should().ContainSingle().Which.Held.Should().BeFalse();
        result.Sends().Select(s => s.StepId).Should().Equal("invite-welcome", "thank-you");
    }

    [Fact]
    public void Simulate_ReferredAgain_NotEnteredByOncePolicy()
    {
        var again = Events.ReferralAccepted("ref2", T0.AddDays(40), referrerId: "cust-20002");

        var result = Sim.Run(Journey, Wang, T0.AddDays(60), Accepted, FirstOrder, again);

        result.Single("not_entered", null).Detail.Should().StartWith("re-entry policy 'once': entered before on 2026-05-10T01:12:00Z");
        result.EffectsOf<RewardReferral>().Should().ContainSingle().Which.ReferrerId.Should().Be("cust-20001");
    }

    [Fact]
    public void Simulate_AcceptedWithoutReferrer_NotEntered()
    {
        var result = Sim.Run(Journey, Wang, T0.AddDays(60), Events.ReferralAccepted("ref1", T0, referrerId: null));

        result.Single("not_entered", null).Detail.Should().StartWith("entry condition is false: event.data.referrerId != null");
        result.Of("entered").Should().BeEmpty();
    }

    [Fact]
    public void Simulate_NewYorkCustomerLateAtNight_MarketingWelcomeWaitsButTransactionalThanksDoesNot()
    {
        var emily = People.EmilyChen("c1");
        var accepted = Clock.NewYork(2026, 5, 10, 23, 0);
        var ordered = Clock.NewYork(2026, 5, 12, 22, 30);

        var result = Sim.Run(Journey, emily, accepted.AddDays(40), Events.ReferralAccepted("ref1", accepted), Events.Order("o1", ordered, amount: 60m, orderId: "SO-9"));

        result.Single("deferred", "invite-welcome").Detail.Should().Contain("quiet hours 21:00–09:00 in America/New_York");
        Clock.Local(result.Single("sent", "invite-welcome").Time, People.NewYorkZone).Should().Be("2026-05-11 09:00");
        result.Send("invite-welcome").Body.Should().StartWith("[Ad] Xiaoman Life: Welcome").And.EndWith("Reply TD to unsubscribe");

        // The reward falls at 22:30 local, inside quiet hours: the transactional notice still goes at once.
        var thanks = result.Single("sent", "thank-you");
        Clock.Local(thanks.Time, People.NewYorkZone).Should().Be("2026-05-19 22:30");
        result.Send("thank-you").Body.Should().StartWith("Hi Emily Chen, your 200 referral points have landed").And.NotContain("[Ad]");
    }
}
