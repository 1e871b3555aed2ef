using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>Tiers by trailing-12-month net spend: upgrade at once, downgrade only at the yearly review on 1 January.</summary>
public class MemberTierTests
{
    private static readonly DateTimeOffset March = Clock.Shanghai(2026, 3, 10, 12, 0);

    [Fact]
    public void Upgrade_TheOrderThatCrosses1000_MakesSilverImmediately()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", March, amount: 600m));
        run.Profile.Tier.Should().Be("member");

        var decision = run.Event(Events.Order("o2", March.AddDays(20), amount: 400m));

        run.Profile.Tier.Should().Be("silver");
        run.Profile.Loyalty.TierSince.Should().Be(March.AddDays(20));
        var change = decision.Effects.OfType<TierChanged>().Should().ContainSingle().Subject;
        change.Should().BeEquivalentTo(new { From = "member", To = "silver", Upgrade = true, At = March.AddDays(20) });
        change.Reason.Should().Be("upgrade: ¥1,000 net spend in the last 12 months reaches silver (¥1,000 net spend)");
        change.EffectId.Should().Be("c1/tier/20260330T040000000Z/silver");
    }

    [Fact]
    public void Upgrade_OneBigOrder_SkipsStraightToGold()
    {
        var run = new Decide();

        run.Event(Events.Order("o1", March, amount: 3_200m));

        run.Profile.Tier.Should().Be("gold");
        run.Of<TierChanged>().Should().ContainSingle().Which.From.Should().Be("member");
    }

    [Fact]
    public void Refund_AfterAnUpgrade_DoesNotDowngradeBeforeTheReview()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", March, amount: 1_200m, orderId: "SO-1"));

        run.Event(Events.Refund("r1", March.AddDays(3), "SO-1", amount: 1_200m));

        run.Profile.Tier.Should().Be("silver");
        run.Profile.Points.Should().Be(0);
    }

    [Fact]
    public void Upgrade_OnlyTheTrailing12MonthsCount()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", Clock.Shanghai(2026, 1, 20, 12, 0), amount: 800m));

        run.Event(Events.Order("o2", Clock.Shanghai(2027, 1, 5, 12, 0), amount: 300m));
        run.Profile.Tier.Should().Be("member", "January 2026 is 13 months back in January 2027");

        run.Event(Events.Order("o3", Clock.Shanghai(2027, 1, 6, 12, 0), amount: 700m));
        run.Profile.Tier.Should().Be("silver");
    }

    [Fact]
    public void Review_EachFirstOfJanuary_KeepsWhatTheYearQualifiesForAndDowngradesTheRest()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", March, amount: 3_500m)); // gold
        run.Profile.Loyalty.NextTierReview.Should().Be(Clock.Shanghai(2027, 1, 1, 0, 0));

        run.Timer(Clock.Shanghai(2027, 1, 1, 0, 0)).Effects.OfType<TierChanged>().Should().BeEmpty("2026 qualifies for gold");
        run.Profile.Tier.Should().Be("gold");
        run.Event(Events.Order("o2", Clock.Shanghai(2027, 6, 1, 12, 0), amount: 1_500m));

        var review = run.Timer(Clock.Shanghai(2028, 1, 1, 0, 0));

        run.Profile.Tier.Should().Be("silver");
        var change = review.Effects.OfType<TierChanged>().Should().ContainSingle().Subject;
        change.Should().BeEquivalentTo(new { From = "gold", To = "silver", Upgrade = false, At = Clock.Shanghai(2028, 1, 1, 0, 0) });
        change.Reason.Should().Be("yearly review 2028-01-01: ¥1,500 net spend in 2027-01..2027-12; gold needs ¥3,000 net spend");
        run.Profile.Loyalty.NextTierReview.Should().Be(Clock.Shanghai(2029, 1, 1, 0, 0));
    }

    [Fact]
    public void Review_NotDueYet_GivesTheSameProfileBack()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", March, amount: 1_200m));
        var profile = run.Profile;
        profile.Loyalty.NextTierReview.Should().NotBeNull();

        var update = MemberTiers.Review(profile, CustomerProgram.Default.Loyalty, March.AddDays(30));

        // An equal copy per decision would cost allocations and defeat the models memoized for this profile.
        update.Profile.Should().BeSameAs(profile);
        update.TierChanges.Should().BeEmpty();
    }

    [Fact]
    public void Review_MissedYears_CaughtUpOnTheNextDecision()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", March, amount: 1_500m)); // silver

        run.Event(Loyal.AppOpened("a1", Clock.Shanghai(2029, 3, 1, 9, 0)));

        run.Profile.Tier.Should().Be("member");
        run.Of<TierChanged>().Select(c => (c.From, c.To)).Should().Equal(("member", "silver"), ("silver", "member"));
        run.Of<TierChanged>().Last().At.Should().Be(Clock.Shanghai(2028, 1, 1, 0, 0), "2027 had nothing; the 2027 review still saw 2026");
    }

    [Fact]
    public void LoyaltyTimer_ScheduledForTheReviewOfAnUpgradedMember()
    {
        var run = new Decide();

        var decision = run.Event(Events.Order("o1", March, amount: 1_200m));

        var timer = decision.Effects.OfType<ScheduleTimer>().Should().ContainSingle().Subject;
        timer.InstanceId.Should().Be(LoyaltyTimer.InstanceId);
        timer.DueAt.Should().Be(Clock.Shanghai(2027, 1, 1, 0, 0));
        timer.TimerId.Should().Be("c1/loyalty/20261231T160000Z");
        run.Event(Loyal.AppOpened("a1", March.AddDays(1))).Effects.OfType<ScheduleTimer>().Should().BeEmpty("the same timer is not scheduled twice");
    }

    [Fact]
    public void PointsBasis_TiersByQualifyingPoints_RedeemingDoesNotLowerThem()
    {
        var program = CustomerProgram.Default with
        {
            Loyalty = LoyaltyProgram.Default with
            {
                TierBasis = TierBasis.Points,
                Tiers = [new("member", 0), new("silver", 500), new("gold", 2_000)],
            },
        };
        var run = new Decide(program: program);
        run.Event(Events.Order("o1", March, amount: 450m));
        run.Event(Loyal.Redeemed("x1", March.AddDays(1), 400));

        run.Event(Loyal.Awarded("p1", March.AddDays(2), 60));

        run.Profile.Tier.Should().Be("silver");
        run.Profile.Points.Should().Be(110);
        run.Of<TierChanged>().Single().Reason.Should().Be("upgrade: 510 points in the last 12 months reaches silver (500 points)");
    }

    [Fact]
    public void Program_Problems_NameTheMistakes()
    {
        var bad = LoyaltyProgram.Default with
        {
            Tiers = [new("member", 0), new("gold", 3_000), new("silver", 1_000)],
            TierReviewDate = "13-01",
            CheckInRewards = [new(1, 10), new(3, 5)],
        };

        bad.Problems().Should().BeEquivalentTo(
            "tier thresholds must grow from the lowest tier to the highest",
            "tier review date '13-01' is not MM-dd",
            "check-in rewards must not shrink as the streak grows");
        CustomerProgram.Default.Problems().Should().BeEmpty();
    }
}
