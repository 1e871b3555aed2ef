using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>repurchase-nudge: wait the product's use cycle from the order, remind at 10:00 local, coupon 5 days later, goal: a paid repurchase.</summary>
public class RepurchaseNudgeJourneyTests
{
    private static readonly JourneyVersion Journey = BuiltIn.Journey(BuiltIn.RepurchaseNudge);
    private static readonly CustomerProfile Lin = People.LinXiao("c1");

    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 4, 1, 12, 31);
    // A 30-day serum bought twice: 60 days of supply.
    private static readonly CustomerEvent FirstOrder = Events.Order("o1", T0, amount: 318m, useCycleDays: 30, quantity: 2);
    private static readonly DateTimeOffset ReminderAt = Clock.Shanghai(2026, 6, 1, 10, 0);

    [Fact]
    public void Simulate_UseCycleTimesQuantity_RemindsAt10LocalAfterTheSupplyRunsOut()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(120), FirstOrder);

        result.Single("waiting", "wait-use-cycle").Detail.Should().Be("until 2026-05-31T04:31:00Z");
        result.Single("waited", "wait-use-cycle").Time.Should().Be(T0.AddDays(60));
        result.Single("waiting", "morning").Detail.Should().Contain("(2026-06-01 10:00 Asia/Shanghai)");
        result.Single("sent", "reminder").Time.Should().Be(ReminderAt);

        var reminder = result.Send("reminder");
        reminder.Channel.Should().Be(Channels.AppPush);
        reminder.Body.Should().StartWith("【广告】林晓，算算日子").And.EndWith("回复TD退订");
        result.FinalState.Profile.Tags.Should().Contain("repurchase-reminded");
    }

    [Fact]
    public void Simulate_RepurchaseAfterCoupon_ConvertsAndStartsANewCycle()
    {
        var repurchase = Events.Order("o2", ReminderAt.AddDays(7), amount: 159m, useCycleDays: 30);

        var result = Sim.Run(Journey, Lin, repurchase.Time.AddDays(1), FirstOrder, repurchase);

        result.Path().Should().Equal(
            "entered",
            "waiting wait-use-cycle",
            "waited wait-use-cycle",
            "waiting morning",
            "waited morning",
            "sent reminder",
            "action mark-reminded",
            "waiting wait-5d",
            "waited wait-5d",
            "action repurchase-coupon",
            "sent coupon-sms",
            "waiting coupon-window",
            "goal_reached coupon-window",
            "entered",
            "waiting wait-use-cycle");

        var sms = result.Send("coupon-sms");
        result.Single("sent", "coupon-sms").Time.Should().Be(ReminderAt.AddDays(5));
        var code = result.EffectsOf<IssueCoupon>().Single().Code;
        code.Should().StartWith("REBUY15-");
        sms.Body.Should().StartWith("【广告】小满生活：林晓").And.Contain(code).And.Contain("15元").And.EndWith("回复TD退订");

        result.Completions().Should().ContainSingle().Which.Outcome.Should().Be(InstanceOutcome.Converted);
        result.FinalState.Instances.Should().HaveCount(2);
        result.FinalState.Instances.Select(i => i.InstanceId).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Simulate_NoRepurchase_CompletesWhenTheCouponExpires()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(120), FirstOrder);

        result.Path().Should().EndWith(["sent coupon-sms", "waiting coupon-window", "waited coupon-window", "completed done"]);
        result.Single("completed", "done").Time.Should().Be(ReminderAt.AddDays(12));
        result.Completions().Single().Outcome.Should().Be(InstanceOutcome.Completed);
    }

    [Fact]
    public void Simulate_OrderWithoutItems_FallsBackTo30Days()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(120), Events.Order("o1", T0, amount: 99m));

        result.Single("waited", "wait-use-cycle").Time.Should().Be(T0.AddDays(30));
        result.Single("sent", "reminder").Time.Should().Be(Clock.Shanghai(2026, 5, 2, 10, 0));
    }

    [Fact]
    public void Simulate_RepurchaseOnDay10_ConvertsEarlyAndRestartsFromTheNewOrder()
    {
        var repurchase = Events.Order("o2", T0.AddDays(10), amount: 159m, useCycleDays: 30);

        var result = Sim.Run(Journey, Lin, T0.AddDays(40).AddHours(1), FirstOrder, repurchase);

        result.Path().Should().Equal("entered", "waiting wait-use-cycle", "goal_reached wait-use-cycle", "entered", "waiting wait-use-cycle", "waited wait-use-cycle", "waiting morning");
        result.Single("goal_reached", "wait-use-cycle").Time.Should().Be(T0.AddDays(10));
        result.Of("waited").Single().Time.Should().Be(T0.AddDays(40), "the new cycle counts 30 days from the repurchase");
        result.Sends().Should().BeEmpty();
    }

    [Fact]
    public void Simulate_FreeSampleOrder_NeitherEntersNorConverts()
    {
        var sampleBefore = Events.Order("o0", T0.AddDays(-5), amount: 0m);
        var sampleDuring = Events.Order("o2", T0.AddDays(10), amount: 0m);

        var result = Sim.Run(Journey, Lin, T0.AddDays(45), sampleBefore, FirstOrder, sampleDuring);

        result.Of("goal_reached").Should().BeEmpty("the goal needs event.data.amount > 0");
        result.Of("not_entered").Select(t => t.Detail).Should().SatisfyRespectively(
            first => first.Should().Be("entry condition is false: event.data.amount > 0"),
            second => second.Should().StartWith("already in this journey"));
        result.Of("entered").Should().ContainSingle().Which.Time.Should().Be(T0);
    }

    [Fact]
    public void Simulate_SecondPaidOrder_ReentersBecausePolicyIsAlways()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(45), FirstOrder, Events.Order("o2", T0.AddDays(3), amount: 20m), Events.Order("o3", T0.AddDays(6), amount: 20m));

        result.Of("entered").Should().HaveCount(3);
        result.Of("not_entered").Should().BeEmpty();
        result.Completions().Should().HaveCount(2).And.OnlyContain(c => c.Outcome == InstanceOutcome.Converted);
    }

    [Fact]
    public void Simulate_UnsubscribedFromEverything_Exits()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(120), FirstOrder, Events.Unsubscribed("u1", T0.AddDays(20)));

        result.Path().Should().Equal("entered", "waiting wait-use-cycle", "exited wait-use-cycle");
        result.Sends().Should().BeEmpty();
        result.Completions().Single().Outcome.Should().Be(InstanceOutcome.Exited);
    }

    [Fact]
    public void Simulate_UnsubscribedFromPushOnly_ContinuesAndSuppressesThePush()
    {
        var result = Sim.Run(Journey, Lin, T0.AddDays(120), FirstOrder, Events.Unsubscribed("u1", T0.AddDays(20), channel: Channels.AppPush));

        result.Of("exited").Should().BeEmpty();
        result.Single("suppressed", "reminder").Detail.Should().StartWith("repurchase-nudge-reminder not sent: no marketing consent for app_push");
        result.Sends().Select(s => s.StepId).Should().Equal("coupon-sms");
    }

    [Fact]
    public void Simulate_NewYorkCustomerAcrossDaylightSaving_RemindsAt10NewYorkTime()
    {
        var emily = People.EmilyChen("c1");
        var ordered = Clock.NewYork(2026, 2, 20, 15, 0); // EST (UTC-5); 30 days later New York is on EDT (UTC-4)

        var result = Sim.Run(Journey, emily, ordered.AddDays(60), Events.Order("o1", ordered, amount: 159m, useCycleDays: 30));

        var sent = result.Single("sent", "reminder");
        Clock.Local(sent.Time, People.NewYorkZone).Should().Be("2026-03-23 10:00");
        sent.Time.UtcDateTime.Should().Be(new DateTime(2026, 3, 23, 14, 0, 0, DateTimeKind.Utc));
        result.Single("waiting", "morning").Detail.Should().Be("until 2026-03-23T14:00:00Z (2026-03-23 10:00 America/New_York)");

        var push = result.Send("reminder");
        push.Locale.Should().Be("en");
        push.Body.Should().StartWith("[Ad] Hi Emily Chen, running low?").And.EndWith("Reply TD to unsubscribe");
    }
}
