using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>The write plan is pure: from a document and a decision's effects it gives the rows every store persists.</summary>
public sealed class StepWriteTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);

    private static JourneyInstance Instance(string id, string? step, InstanceStatus status = InstanceStatus.Active) => new()
    {
        InstanceId = id,
        CustomerId = "c1",
        Journey = "onboarding",
        Version = "v1",
        EntryEvent = Events.Registered("c1", At, $"entry-{id}"),
        StartedAt = At,
        StepId = step,
        Status = status,
        Outcome = status == InstanceStatus.Ended ? InstanceOutcome.Completed : null,
        EndedAt = status == InstanceStatus.Ended ? At.AddHours(1) : null,
    };

    private static CustomerDocument With(CustomerDocument document, params JourneyInstance[] instances)
    {
        var state = document.State;
        foreach (var i in instances) state = state.WithInstance(i);
        return document with { State = state };
    }

    [Fact]
    public void Plan_EveryEffectKind_GivesItsRowsInDecisionOrder()
    {
        var entry = new HistoryEntry("i1/h0", "i1", "onboarding", At, HistoryKind.Entered, "welcome", "entered");
        var ledger = new PointsLedgerEntry("ord-1/order", "c1", At.AddMinutes(-5), 99, "order", "order ord-1") { ExpiresAt = At.AddYears(1) };
        List<Effect> effects =
        [
            new RecordHistory("i1/h0", "c1", entry),
            new CancelTimer("cancel", "c1", "t1", "i1"),
            new ScheduleTimer("i1/4/timer", "c1", "t1", "i1", At.AddHours(1)),
            new AwardPoints("i1/1/points", "c1", "i1", 10, "welcome"),
            new RecordPoints("ord-1/order", "c1", ledger),
            new IssueCoupon("i1/2/coupon", "c1", "i1", "FIRST20", "FIRST20-AAAA", 20m, At.AddDays(7)),
            new ChangeTags("i1/3/tags", "c1", "i1", ["vip"], []),
        ];
        var document = With(CustomerDocument.New("c1"), Instance("i1", "welcome"));

        var write = StepWrite.Plan(null, 0, document, effects, [], At);

        write.History.Should().Equal(new HistoryRow("c1", entry));
        write.Timers.Should().Equal(new TimerChange("t1", null), new TimerChange("t1", new DueTimer("t1", "c1", "i1", At.AddHours(1))));
        write.Points.Should().Equal(
            new PointsEntry("i1/1/points", "c1", "i1", 10, "journey", "welcome", PointsStatus.Credited, At),
            new PointsEntry("ord-1/order", "c1", null, 99, "order", "order ord-1", PointsStatus.Credited, At.AddMinutes(-5), At.AddYears(1)));
        write.Coupons.Should().Equal(new CouponRecord("FIRST20-AAAA", "i1/2/coupon", "c1", "i1", "FIRST20", 20m, At.AddDays(7), At));
        write.Facts.Select(f => (f.FactId, f.Kind)).Should().Equal(
            ("i1/h0", JourneyFactKind.Entered), ("i1/reached/welcome", JourneyFactKind.Reached), ("i1/2/coupon", JourneyFactKind.Coupon));
        write.InboxEvents.Should().BeEmpty();
        write.At.Should().Be(At);
    }

    [Fact]
    public void Plan_PaidReferralReward_CreditsTheRefereeAndSendsTheReferrerAnEvent()
    {
        var reward = new RewardReferral("i1/3/referral", "c1", "i1", "c0", 500, 200, false, null);

        var write = StepWrite.Plan(null, 0, CustomerDocument.New("c1"), [reward], [], At);

        write.Points.Should().ContainSingle().Which.Should().Be(
            new PointsEntry("i1/3/referral/referee", "c1", "i1", 200, "referral", "referral reward, referee (paid)", PointsStatus.Credited, At));
        var credit = write.InboxEvents.Should().ContainSingle().Subject;
        credit.Should().BeEquivalentTo(new { Id = "i1/3/referral/referrer", Type = "points.awarded", Subject = "c0" });
        credit.DataDecimal("points").Should().Be(500m);
    }

    [Fact]
    public void Plan_HeldReferralReward_HoldsBothSidesInTheLedger()
    {
        var reward = new RewardReferral("i1/3/referral", "c1", "i1", "c0", 500, 200, true, "shared-device");

        var write = StepWrite.Plan(null, 0, CustomerDocument.New("c1"), [reward], [], At);

        write.Points.Select(p => (p.EntryId, p.CustomerId, p.Points, p.Status)).Should().Equal(
            ("i1/3/referral/referee", "c1", 200L, PointsStatus.Held), ("i1/3/referral/referrer", "c0", 500L, PointsStatus.Held));
        write.Points[1].Reason.Should().Be("referral reward for referring c1 (held: shared-device)");
        write.InboxEvents.Should().BeEmpty();
    }

    [Fact]
    public void Plan_ReplacedDocumentAtHand_MovesOnlyTheInstancesThatChanged()
    {
        var before = With(CustomerDocument.New("c1"), Instance("i1", "wait"), Instance("i2", "wait"), Instance("i3", "wait")) with { Version = 4 };
        var after = With(before, Instance("i1", "remind"), Instance("i3", "wait", InstanceStatus.Ended));

        var moves = StepWrite.Plan(before, 4, after, [], [], At).StepIndex;

        moves.ReplaceAll.Should().BeFalse();
        moves.Upserted.Select(u => (u.Key, u.Value)).Should().Equal(("i1", new IndexedStep("onboarding", "v1", "remind", false)));
        moves.Removed.Should().Equal("i3");
        StepWrite.Plan(before, 4, before, [], [], At).StepIndex.IsEmpty.Should().BeTrue("a commit that moves no instance writes no index row");
    }

    [Fact]
    public void Plan_ReplacedDocumentUnknownOrStale_ReplacesTheCustomersIndexRows()
    {
        var stale = With(CustomerDocument.New("c1"), Instance("i1", "wait")) with { Version = 2 };
        var after = With(CustomerDocument.New("c1"), Instance("i1", "wait"), Instance("i2", "remind"));

        var unknown = StepWrite.Plan(null, 3, after, [], [], At).StepIndex;
        var wrongVersion = StepWrite.Plan(stale, 3, after, [], [], At).StepIndex;

        unknown.ReplaceAll.Should().BeTrue();
        unknown.Upserted.Select(u => u.Key).Should().BeEquivalentTo("i1", "i2");
        wrongVersion.Should().BeEquivalentTo(unknown);
    }

    [Fact]
    public void Plan_NewCustomer_IndexesEveryInFlightInstanceAndRecordsTheReferral()
    {
        var document = With(CustomerDocument.New("c1"), Instance("i1", "wait"), Instance("i2", null, InstanceStatus.Ended));
        document = document with { State = document.State with { Profile = document.State.Profile with { ReferredBy = new ReferredBy { ReferrerId = "c0", AcceptedAt = At, EventId = "ref-1" } } } };

        var write = StepWrite.Plan(null, 0, document, [], [], At);

        write.StepIndex.ReplaceAll.Should().BeFalse();
        write.StepIndex.Upserted.Select(u => u.Key).Should().Equal("i1");
        write.Referral.Should().Be(new ReferralLink("c1", "c0", At));
    }

    [Fact]
    public void Plan_Messages_AreKeptAsGiven()
    {
        var sandboxed = new MessageRecord("i1/5/send", "c1", "i1", "onboarding", "welcome", "sms", "marketing", "t", "zh-CN", null, "hi", "+86", "sandbox", DeliveryStatus.Sandboxed, 0, null, At);

        StepWrite.Plan(null, 0, CustomerDocument.New("c1"), [], [sandboxed], At).Messages.Should().Equal(sandboxed);
    }
}
