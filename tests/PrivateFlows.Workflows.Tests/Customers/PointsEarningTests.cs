using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>The seed program's earn, claw-back and redeem rules, each producing ledger entries with deterministic ids.</summary>
public class PointsEarningTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 5, 4, 10, 0); // Monday

    [Fact]
    public void Order_OnePointPerYuanRoundedDown_RecordedOnceWithExpiryAtTheEndOfNextYear()
    {
        var run = new Decide();

        var decision = run.Event(Events.Order("o1", T0, amount: 268.9m, orderId: "SO-1"));

        var entry = decision.Effects.OfType<RecordPoints>().Should().ContainSingle().Subject;
        entry.EffectId.Should().Be("o1/order");
        entry.Entry.Should().BeEquivalentTo(new { EntryId = "o1/order", CustomerId = "c1", Points = 268L, Rule = PointsRules.Order, SourceEventId = "o1" });
        entry.ExpiresAt.Should().Be(Clock.Shanghai(2028, 1, 1, 0, 0), "points earned in 2026 expire when 2027 ends, Shanghai time");
        run.Profile.Points.Should().Be(268);
    }

    [Fact]
    public void Order_SameEventOrSameOrderIdAgain_EarnsNothing()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", T0, amount: 100m, orderId: "SO-1"));

        run.Event(Events.Order("o1", T0, amount: 100m, orderId: "SO-1")).Effects.OfType<RecordPoints>().Should().BeEmpty();
        run.Event(Events.Order("o1-resent", T0.AddMinutes(5), amount: 100m, orderId: "SO-1")).Effects.OfType<RecordPoints>().Should().BeEmpty();
        run.Profile.Points.Should().Be(100);
    }

    [Fact]
    public void Order_InTheBirthdayMonth_DoublePointsAsASeparateEntry()
    {
        var run = new Decide(People.LinXiao("c1") with { Birthday = "1990-05-20" });

        run.Event(Events.Order("o1", T0, amount: 159m));

        run.Ledger.Select(e => (e.EntryId, e.Points)).Should().Equal(("o1/order", 159L), ("o1/birthday-month", 159L));
        run.Profile.Points.Should().Be(318);
    }

    [Fact]
    public void Order_BirthdayMonthIsTheCustomersLocalMonth()
    {
        // 31 May 20:00 in New York is already 1 June in Shanghai.
        var emily = People.EmilyChen("c1") with { Birthday = "05-09" };
        var run = new Decide(emily);

        run.Event(Events.Order("o1", Clock.NewYork(2026, 5, 31, 20, 0), amount: 100m));

        run.Profile.Points.Should().Be(200);
    }

    [Fact]
    public void Refund_ClawsBackInProportion_TwoHalvesTakeEverything()
    {
        var run = new Decide(People.LinXiao("c1") with { Birthday = "05-01" });
        run.Event(Events.Order("o1", T0, amount: 101m, orderId: "SO-1")); // 101 + 101 birthday

        run.Event(Events.Refund("r1", T0.AddDays(1), "SO-1", amount: 50.5m));
        run.Event(Events.Refund("r2", T0.AddDays(2), "SO-1", amount: 50.5m));

        run.Ledger.Where(e => e.Rule == PointsRules.Refund).Select(e => (e.EntryId, e.Points)).Should().Equal(("r1/refund", -101L), ("r2/refund", -101L));
        run.Profile.Points.Should().Be(0);
    }

    [Fact]
    public void Refund_BeforeItsOrderArrives_ClawsBackWhenTheOrderDoes()
    {
        var run = new Decide();

        run.Event(Loyal.FullRefund("r1", T0.AddHours(2), "SO-1")).Effects.OfType<RecordPoints>().Should().BeEmpty();
        run.Event(Events.Order("o1", T0, amount: 80m, orderId: "SO-1"));

        run.Ledger.Select(e => (e.EntryId, e.Points)).Should().Equal(("o1/order", 80L), ("r1/refund", -80L));
        run.Profile.Points.Should().Be(0);
    }

    [Fact]
    public void Refund_OfAnUnknownOrder_ClawsBackNothing()
    {
        var run = new Decide();

        run.Event(Events.Refund("r1", T0, "SO-UNKNOWN", amount: 50m));

        run.Ledger.Should().BeEmpty();
        run.Profile.Loyalty.Between("2026-05", "2026-05").Spend.Should().Be(-50m, "the net spend still drops");
    }

    [Fact]
    public void CheckIn_StreakLadder_5_5_10_10_10_10_30_30()
    {
        var run = new Decide();

        for (var day = 0; day < 8; day++) run.Event(Loyal.CheckIn($"ci{day}", T0.AddDays(day)));

        run.Ledger.Should().HaveCount(16, "day 1 and 2 one entry, days 3–6 base + day-3 step, days 7–8 base + day-3 + day-7 steps");
        var perDay = run.Ledger.GroupBy(e => e.EntryId.Split('/')[2]).Select(g => g.Sum(e => e.Points));
        perDay.Should().Equal(5, 5, 10, 10, 10, 10, 30, 30);
        run.Ledger.Select(e => e.EntryId).Should().Contain(["c1/check-in/2026-05-04/day1", "c1/check-in/2026-05-06/day3", "c1/check-in/2026-05-10/day7"]);
        run.Profile.Activity.CheckInStreak.Should().Be(8);
    }

    [Fact]
    public void CheckIn_TwiceTheSameLocalDay_RewardedOnce()
    {
        var run = new Decide();

        run.Event(Loyal.CheckIn("ci1", Clock.Shanghai(2026, 5, 4, 0, 30)));
        run.Event(Loyal.CheckIn("ci2", Clock.Shanghai(2026, 5, 4, 23, 30)));

        run.Ledger.Should().ContainSingle().Which.EntryId.Should().Be("c1/check-in/2026-05-04/day1");
        run.Profile.Activity.Count(EventTypes.CheckedIn).Should().Be(2);
    }

    [Fact]
    public void CheckIn_MissedADay_StreakStartsAgain()
    {
        var run = new Decide();

        foreach (var day in new[] { 0, 1, 2, 4 }) run.Event(Loyal.CheckIn($"ci{day}", T0.AddDays(day)));

        run.Profile.Activity.CheckInStreak.Should().Be(1);
        run.Ledger.Where(e => e.EntryId.Contains("2026-05-08", StringComparison.Ordinal)).Sum(e => e.Points).Should().Be(5);
    }

    [Fact]
    public void CheckIn_LateCheckInFillsTheGap_LaterDaysToppedUp()
    {
        var run = new Decide();
        run.Event(Loyal.CheckIn("ci0", T0), T0.AddDays(3));
        run.Event(Loyal.CheckIn("ci2", T0.AddDays(2)), T0.AddDays(3));
        run.Profile.Points.Should().Be(10);

        var late = run.Event(Loyal.CheckIn("ci1", T0.AddDays(1)), T0.AddDays(3));

        late.Effects.OfType<RecordPoints>().Select(r => (r.EffectId, r.Points)).Should().Equal(
            ("c1/check-in/2026-05-05/day1", 5L),
            ("c1/check-in/2026-05-06/day3", 5L));
        run.Profile.Points.Should().Be(5 + 5 + 10);
    }

    [Fact]
    public void Interactions_AppOpenedOncePerDay_CouponRedeemedThreeTimes()
    {
        var run = new Decide();

        for (var i = 0; i < 3; i++) run.Event(Loyal.AppOpened($"a{i}", T0.AddHours(i)));
        for (var i = 0; i < 5; i++) run.Event(Loyal.CouponRedeemed($"c{i}", T0.AddHours(i)));
        run.Event(Loyal.AppOpened("a-next-day", T0.AddDays(1)));

        run.Ledger.Select(e => (e.EntryId, e.Points)).Should().Equal(
            ("a0/app.opened", 1L), ("c0/coupon.redeemed", 5L), ("c1/coupon.redeemed", 5L), ("c2/coupon.redeemed", 5L), ("a-next-day/app.opened", 1L));
    }

    [Fact]
    public void PointsRedeemed_SpendsTheOldestLotsFirst()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", T0, amount: 100m));
        run.Event(Events.Order("o2", Clock.Shanghai(2027, 2, 1, 10, 0), amount: 100m));

        run.Event(Loyal.Redeemed("x1", Clock.Shanghai(2027, 2, 2, 10, 0), 150));

        run.Ledger.Last().Should().BeEquivalentTo(new { EntryId = "x1/redeem", Points = -150L, Rule = PointsRules.Redeem, Reason = "兑换礼品" });
        run.Profile.Points.Should().Be(50);
        run.Profile.Loyalty.Lots.Should().ContainSingle().Which.Should().BeEquivalentTo(new { EntryId = "o2/order", Remaining = 50L });
    }

    [Fact]
    public void PointsAwarded_WithAnEntryId_UsesIt()
    {
        var run = new Decide();

        run.Event(Loyal.Awarded("p1", T0, 500, entryId: "reward-1/referrer"));
        run.Event(Loyal.Awarded("p1-again", T0, 500, entryId: "reward-1/referrer"));

        run.Ledger.Should().ContainSingle().Which.EntryId.Should().Be("reward-1/referrer");
        run.Profile.Points.Should().Be(500);
    }

    [Fact]
    public void LateEvents_OlderThanTheLimits_EarnNothing()
    {
        var run = new Decide();
        var now = T0.AddDays(400);

        run.Event(Events.Order("o1", T0, amount: 100m), now);
        run.Event(Loyal.CheckIn("ci1", now.AddDays(-31)), now);
        run.Event(Loyal.CheckIn("ci2", now.AddDays(-29)), now);

        run.Ledger.Select(e => e.EntryId).Should().Equal("c1/check-in/2027-05-10/day1");
    }

    [Fact]
    public void JourneyAwardPoints_CountOnTheBalanceAndExpire_WithoutARecordPointsEffect()
    {
        var run = new Decide(People.LinXiao("c1") with { Birthday = "05-10" }, journeys: [BuiltIn.Journey(BuiltIn.BirthdayCare)]);
        run.Event(Events.ProfileUpdated("p1", T0, new System.Text.Json.Nodes.JsonObject { ["birthday"] = "05-10" }));

        run.Timer(Clock.Shanghai(2026, 5, 10, 10, 0), run.State.Instances.Single().InstanceId, run.State.Instances.Single().Waiting!.TimerId);

        var award = run.Of<AwardPoints>().Should().ContainSingle().Subject;
        award.Points.Should().Be(200);
        award.ExpiresAt.Should().Be(Clock.Shanghai(2028, 1, 1, 0, 0));
        run.Of<RecordPoints>().Should().BeEmpty("the runtime writes the journey's ledger entry from AwardPoints");
        run.Profile.Points.Should().Be(200);
        run.Profile.Loyalty.Lots.Should().ContainSingle().Which.EntryId.Should().Be(award.EffectId);
    }
}
