using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>Points expire when the year after earning ends (or N days after), once, with id <c>expire/&lt;entry id&gt;</c>.</summary>
public class PointsExpiryTests
{
    private static readonly DateTimeOffset May2026 = Clock.Shanghai(2026, 5, 4, 10, 0);
    private static readonly DateTimeOffset EndOf2027 = Clock.Shanghai(2028, 1, 1, 0, 0);

    [Fact]
    public void EndOfFollowingYear_TheTimerExpiresWhatIsLeft_Once()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", May2026, amount: 300m));
        run.Event(Loyal.Redeemed("x1", May2026.AddDays(30), 100));
        run.Of<ScheduleTimer>().Single().DueAt.Should().Be(EndOf2027);

        run.Timer(EndOf2027.AddTicks(-1)).Effects.OfType<RecordPoints>().Should().BeEmpty("not yet");
        var expired = run.Timer(EndOf2027);

        var entry = expired.Effects.OfType<RecordPoints>().Should().ContainSingle().Subject.Entry;
        entry.Should().BeEquivalentTo(new { EntryId = "expire/o1/order", Points = -200L, Rule = PointsRules.Expire, At = EndOf2027 });
        entry.Reason.Should().Be("200 of 300 points from o1/order expired");
        run.Profile.Points.Should().Be(0);
        run.Timer(EndOf2027.AddDays(1)).Effects.OfType<RecordPoints>().Should().BeEmpty("expired once");
    }

    [Fact]
    public void EndOfFollowingYear_PointsOfTheNextYearStayValid()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", May2026, amount: 100m));
        run.Event(Events.Order("o2", Clock.Shanghai(2027, 2, 1, 10, 0), amount: 50m));

        run.Event(Loyal.AppOpened("a1", Clock.Shanghai(2028, 1, 2, 9, 0)));

        run.Ledger.Where(e => e.Rule == PointsRules.Expire).Select(e => e.EntryId).Should().Equal("expire/o1/order");
        run.Profile.Points.Should().Be(50 + 1);
        run.Profile.Loyalty.NextExpiry.Should().Be(Clock.Shanghai(2029, 1, 1, 0, 0));
    }

    [Fact]
    public void AfterDays_ExpiresNDaysAfterEarning()
    {
        var program = CustomerProgram.Default with { Loyalty = LoyaltyProgram.Default with { Expiry = PointsExpiryPolicy.AfterDays(90) } };
        var run = new Decide(program: program);

        run.Event(Events.Order("o1", May2026, amount: 120m));
        run.Timer(May2026.AddDays(90));

        run.Ledger.Select(e => (e.EntryId, e.Points, e.At)).Should().Equal(("o1/order", 120L, May2026), ("expire/o1/order", -120L, May2026.AddDays(90)));
    }

    [Fact]
    public void SpentAfterExpiryButBeforeTheSweep_NotExpiredTwice()
    {
        var program = CustomerProgram.Default with { Loyalty = LoyaltyProgram.Default with { Expiry = PointsExpiryPolicy.AfterDays(10) } };
        var ledger = new[]
        {
            new PointsLedgerEntry("o1/order", "c1", May2026, 100, PointsRules.Order, "order") { ExpiresAt = May2026.AddDays(10) },
            new PointsLedgerEntry("x1/redeem", "c1", May2026.AddDays(12), -60, PointsRules.Redeem, "redeemed"),
        };

        var due = PointsExpiry.Due(ledger, May2026.AddDays(20));

        due.Should().ContainSingle().Which.Points.Should().Be(-40, "the customer spent 60 of them while they were still on the balance");
        program.Loyalty.Expiry.ExpiresAt(May2026, "Asia/Shanghai").Should().Be(May2026.AddDays(10));
    }

    [Fact]
    public void PointsExpiry_FromTheLedgerAlone_MatchesTheDecider()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", May2026, amount: 300m));
        run.Event(Loyal.CheckIn("ci1", May2026.AddDays(1)));
        run.Event(Events.Order("o2", Clock.Shanghai(2027, 3, 1, 10, 0), amount: 80m));
        run.Event(Loyal.Redeemed("x1", Clock.Shanghai(2027, 4, 1, 10, 0), 250));
        var ledger = run.Ledger.ToList();

        run.Timer(EndOf2027);

        var fromLedger = PointsExpiry.Due(ledger, EndOf2027);
        fromLedger.Should().BeEquivalentTo(run.Ledger.Where(e => e.Rule == PointsRules.Expire), o => o.WithStrictOrdering());
        fromLedger.Select(e => (e.EntryId, e.Points)).Should().Equal(("expire/c1/check-in/2026-05-05/day1", -5L), ("expire/o1/order", -50L));
        PointsExpiry.Due([.. ledger, .. fromLedger], EndOf2027.AddDays(1)).Should().BeEmpty("written expiries close their lots");
    }

    [Fact]
    public void Expiry_NeverTakesMoreThanWasLeft_AndDebtIsPaidByTheNextEarning()
    {
        var run = new Decide();
        run.Event(Loyal.Redeemed("x1", May2026, 50)); // the shop let her spend an opening balance we never saw

        run.Event(Events.Order("o1", May2026.AddDays(1), amount: 80m));

        run.Profile.Points.Should().Be(30);
        run.Profile.Loyalty.Lots.Should().ContainSingle().Which.Remaining.Should().Be(30);
        run.Timer(EndOf2027).Effects.OfType<RecordPoints>().Single().Points.Should().Be(-30);
        run.Profile.Points.Should().Be(0);
    }

    [Fact]
    public void Redemption_Rules()
    {
        var rules = new PointsRedemptionRules();

        rules.Refusal(balance: 1_000, points: 250).Should().Be("redeem points in steps of 100");
        rules.Refusal(balance: 1_000, points: 50).Should().Be("redeem at least 100 points");
        rules.Refusal(balance: 150, points: 200).Should().Be("only 150 points available");
        rules.Refusal(balance: 1_000, points: 300).Should().BeNull();
        rules.Value(350).Should().Be(3.5m);
    }
}
