using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>onboarding: welcome now, first-order coupon after a day unless ordered, tips on day 3, goal: first order within 14 days.</summary>
public class OnboardingJourneyTests
{
    private static readonly JourneyVersion Journey = BuiltIn.Journey(BuiltIn.Onboarding);
    private static readonly CustomerProfile Lin = People.LinXiao("c1");

    // Monday 10:00 in Shanghai: far from quiet hours, so every send goes at once.
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 3, 2, 10, 0);
    private static readonly DateTimeOffset Later = T0.AddDays(40);

    [Fact]
    public void Simulate_RegisteredAndOrdersOnDay5_WelcomeCouponTipsThenConverted()
    {
        var result = Sim.Run(Journey, Lin, Later, Events.Registered("r1", T0), Events.Order("o1", T0.AddDays(5).AddHours(5)));

        result.Path().Should().Equal(
            "entered",
            "sent welcome",
            "waiting wait-1d",
            "waited wait-1d",
            "branched ordered-yet",
            "action first-order-coupon",
            "sent coupon-sms",
            "waiting wait-until-day-3",
            "waited wait-until-day-3",
            "sent tips",
            "waiting goal-window",
            "goal_reached goal-window");
        result.Single("sent", "welcome").Time.Should().Be(T0);
        result.Single("sent", "coupon-sms").Time.Should().Be(T0.AddDays(1));
        result.Single("sent", "tips").Time.Should().Be(T0.AddDays(3));
        result.Single("goal_reached", "goal-window").Time.Should().Be(T0.AddDays(5).AddHours(5));
        result.Completions().Should().ContainSingle().Which.Outcome.Should().Be(InstanceOutcome.Converted);
    }

    [Fact]
    public void Simulate_Registered_WelcomeIsTransactionalAndPersonal()
    {
        var result = Sim.Run(Journey, Lin, Later, Events.Registered("r1", T0));

        var welcome = result.Send("welcome");
        welcome.Channel.Should().Be(Channels.AppPush);
        welcome.Category.Should().Be(SendCategory.Transactional);
        welcome.Locale.Should().Be("zh-CN");
        welcome.Body.Should().StartWith("林晓，欢迎加入小满生活会员");
        welcome.Body.Should().NotContain("【广告】").And.NotContain("回复TD退订");
    }

    [Fact]
    public void Simulate_NoOrderOnDay1_CouponSmsCarriesCodeNameAndAdvertisingLabel()
    {
        var result = Sim.Run(Journey, Lin, Later, Events.Registered("r1", T0));

        var coupon = result.EffectsOf<IssueCoupon>().Should().ContainSingle().Subject;
        coupon.Coupon.Should().Be("FIRST20");
        coupon.Amount.Should().Be(20m);
        coupon.Code.Should().MatchRegex("^FIRST20-[0-9A-F]{8}$");
        coupon.ExpiresAt.Should().Be(T0.AddDays(8));

        var sms = result.Send("coupon-sms");
        sms.Channel.Should().Be(Channels.Sms);
        sms.Category.Should().Be(SendCategory.Marketing);
        sms.Address.Should().Be(Lin.Phone);
        sms.Body.Should().StartWith("【广告】").And.EndWith("回复TD退订");
        sms.Body.Should().Contain("林晓").And.Contain(coupon.Code).And.Contain("20元").And.Contain("2026-03-10");
    }

    [Fact]
    public void Simulate_Day3Tips_EmailLabelledOnceInTheSubject()
    {
        var result = Sim.Run(Journey, Lin, Later, Events.Registered("r1", T0));

        var tips = result.Send("tips");
        tips.Channel.Should().Be(Channels.Email);
        tips.Address.Should().Be(Lin.Email);
        tips.Subject.Should().Be("【广告】小满生活新手指南：3个省钱小技巧");
        tips.Body.Should().StartWith("林晓，您好！").And.EndWith("回复TD退订").And.NotContain("【广告】", "the subject carries the label; the reader sees both together");
        tips.Body.Should().Contain("您的新人券 " + result.EffectsOf<IssueCoupon>().Single().Code);
    }

    [Fact]
    public void Simulate_InstanceEnded_KeepsTheEntryEventIdButDropsItsPayload()
    {
        var result = Sim.Run(Journey, Lin, Later, Events.Registered("r1", T0));

        var ended = result.FinalState.Instances.Should().ContainSingle().Subject;
        ended.Status.Should().Be(InstanceStatus.Ended);
        ended.EntryEvent.Id.Should().Be("r1");
        ended.EntryEvent.Type.Should().Be(EventTypes.Registered);
        ended.EntryEvent.Data.Should().BeEmpty("an ended instance never reads its entry payload again, and it would only grow the document");
    }

    [Fact]
    public void Simulate_NeverOrders_GoalWindowClosesAndCompletesOnDay14()
    {
        var result = Sim.Run(Journey, Lin, Later, Events.Registered("r1", T0));

        result.Path().Should().EndWith(["sent tips", "waiting goal-window", "waited goal-window", "completed done"]);
        result.Single("completed", "done").Time.Should().Be(T0.AddDays(14));
        result.Of("goal_reached").Should().BeEmpty();
        result.Completions().Should().ContainSingle().Which.Outcome.Should().Be(InstanceOutcome.Completed);
        result.FinalState.Instances.Should().ContainSingle().Which.Status.Should().Be(InstanceStatus.Ended);
    }

    [Fact]
    public void Simulate_OrderLaterThan14Days_DoesNotConvert()
    {
        var result = Sim.Run(Journey, Lin, Later, Events.Registered("r1", T0), Events.Order("o1", T0.AddDays(15)));

        result.Of("goal_reached").Should().BeEmpty();
        result.Completions().Should().ContainSingle().Which.Outcome.Should().Be(InstanceOutcome.Completed);
    }

    [Fact]
    public void Simulate_OrderTwoHoursAfterSignUp_ConvertsEarlyWithoutCoupon()
    {
        var result = Sim.Run(Journey, Lin, Later, Events.Registered("r1", T0), Events.Order("o1", T0.AddHours(2), amount: 89m));

        result.Path().Should().Equal("entered", "sent welcome", "waiting wait-1d", "goal_reached wait-1d");
        result.Single("goal_reached", "wait-1d").Time.Should().Be(T0.AddHours(2));
        result.EffectsOf<IssueCoupon>().Should().BeEmpty();
        result.Sends().Select(s => s.StepId).Should().Equal("welcome");
        result.EffectsOf<CancelTimer>().Should().ContainSingle("the pending wait-1d timer must be cancelled");
        var instance = result.FinalState.Instances.Single();
        instance.Outcome.Should().Be(InstanceOutcome.Converted);
        instance.Vars["goal_amount"].Should().Be("89");
    }

    [Fact]
    public void Simulate_AlreadyOrderedBeforeDay1_SkipsTheCoupon()
    {
        var ordered = Lin with { Orders = new OrdersSummary(1, 59m, 0m, T0.AddDays(-30), T0.AddDays(-30)) };

        var result = Sim.Run(Journey, ordered, Later, Events.Registered("r1", T0));

        result.Single("branched", "ordered-yet").Detail.Should().Contain("→ wait-until-day-3");
        result.EffectsOf<IssueCoupon>().Should().BeEmpty();
        result.Sends().Select(s => s.StepId).Should().Equal("welcome", "tips");
        result.Send("tips").Body.Should().NotContain("新人券");
    }

    [Fact]
    public void Simulate_UnsubscribedOnDay2_ExitsAndSendsNothingMore()
    {
        var result = Sim.Run(Journey, Lin, Later, Events.Registered("r1", T0), Events.Unsubscribed("u1", T0.AddDays(2)));

        result.Path().Should().EndWith(["sent coupon-sms", "waiting wait-until-day-3", "exited wait-until-day-3"]);
        result.Single("exited", "wait-until-day-3").Detail.Should().Contain("customer.unsubscribed (u1)");
        result.Sends().Select(s => s.StepId).Should().Equal("welcome", "coupon-sms");
        result.Completions().Should().ContainSingle().Which.Outcome.Should().Be(InstanceOutcome.Exited);
        result.EffectsOf<CancelTimer>().Should().ContainSingle();
    }

    [Fact]
    public void Simulate_UnsubscribedFromSmsOnly_StaysButCouponSmsIsSuppressed()
    {
        var result = Sim.Run(Journey, Lin, Later, Events.Registered("r1", T0), Events.Unsubscribed("u1", T0.AddHours(3), channel: Channels.Sms));

        result.Of("exited").Should().BeEmpty();
        result.Single("suppressed", "coupon-sms").Detail.Should().Contain("no marketing consent for sms");
        result.Sends().Select(s => s.StepId).Should().Equal("welcome", "tips");
        result.Completions().Single().Outcome.Should().Be(InstanceOutcome.Completed);
    }

    [Fact]
    public void Simulate_RegisteredAgainWhileRunning_NotEnteredBecauseAlreadyIn()
    {
        var result = Sim.Run(Journey, Lin, Later, Events.Registered("r1", T0), Events.Registered("r2", T0.AddDays(2)));

        var refused = result.Single("not_entered", null);
        refused.Time.Should().Be(T0.AddDays(2));
        refused.Journey.Should().Be(BuiltIn.Onboarding);
        refused.Detail.Should().Contain("already in this journey");
        result.Of("entered").Should().ContainSingle();
    }

    [Fact]
    public void Simulate_RegisteredAgainAfterCompletion_NotEnteredByOncePolicy()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(60), Events.Registered("r1", T0), Events.Registered("r2", T0.AddDays(45)));

        var refused = result.Single("not_entered", null);
        refused.Detail.Should().Be("re-entry policy 'once': entered before on 2026-03-02T02:00:00Z");
        result.Of("entered").Should().ContainSingle();
        result.Sends().Should().HaveCount(3);
    }

    [Fact]
    public void Simulate_NewYorkCustomerRegistersLateEvening_WelcomeNowCouponDeferredTo9Local()
    {
        var emily = People.EmilyChen("c1");
        var signUp = Clock.NewYork(2026, 3, 2, 22, 30); // 22:30 EST, inside quiet hours
        var result = Sim.Run(Journey, emily, signUp.AddDays(30), Events.Registered("r1", signUp));

        // Transactional: quiet hours do not apply.
        var welcome = result.Send("welcome");
        result.Single("sent", "welcome").Time.Should().Be(signUp);
        welcome.Locale.Should().Be("en");
        welcome.Body.Should().StartWith("Hi Emily Chen, welcome to Xiaoman Life!").And.NotContain("[Ad]");

        // Day 1 at 22:30 local is quiet: the marketing SMS waits for 09:00 New York time.
        var deferred = result.Single("deferred", "coupon-sms");
        deferred.Time.Should().Be(signUp.AddDays(1));
        deferred.Detail.Should().Contain("quiet hours 21:00–09:00 in America/New_York");
        var sent = result.Single("sent", "coupon-sms");
        sent.Time.Should().Be(Clock.NewYork(2026, 3, 4, 9, 0));
        sent.Time.UtcDateTime.Should().Be(new DateTime(2026, 3, 4, 14, 0, 0, DateTimeKind.Utc));

        var sms = result.Send("coupon-sms");
        sms.Locale.Should().Be("en");
        sms.Body.Should().StartWith("[Ad] Xiaoman Life: Hi Emily Chen").And.EndWith("Reply TD to unsubscribe");
        sms.Body.Should().Contain(result.EffectsOf<IssueCoupon>().Single().Code);

        // Every marketing send lands in New York daytime.
        foreach (var entry in result.Of("sent").Where(e => e.Step != "welcome"))
        {
            CustomerClock.InWindow(entry.Time, new TimeOnly(21, 0), new TimeOnly(9, 0), People.NewYorkZone).Should().BeFalse(entry.Step);
        }
    }
}
