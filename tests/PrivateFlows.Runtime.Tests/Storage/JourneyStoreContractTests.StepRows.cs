using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>Step commits and their rows, outbox completion included (IStepCommits, IMessageLog, ICustomerLedgers).</summary>
public abstract partial class JourneyStoreContractTests
{
    [Fact]
    public async Task A_step_commit_consumes_its_inbox_event_and_fired_timer()
    {
        await Store.AcceptEventsAsync([Events.Registered("c1", At, "e1")], At);
        var doc = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [new ScheduleTimer("t1", "c1", "t1", "i1", At.AddDays(1))] }, 0, "e1"));
        await Store.CompleteEffectsAsync(doc, doc.PendingEffects, [], At);
        (await Store.ReadEarliestTimersAsync(10)).Should().ContainSingle(t => t.TimerId == "t1" && t.DueAt == At.AddDays(1) && t.CustomerId == "c1" && t.InstanceId == "i1");
        (await Store.ReadEventStatusAsync("e1")).Should().Be(EventStatus.Done);

        var current = await Store.ReadCustomerAsync("c1");
        await Store.CommitStepAsync(new StepCommit(current!, current!.Version, FiredTimerId: "t1"));

        (await Store.ReadEarliestTimersAsync(10)).Should().BeEmpty();
        (await Store.ReadTimersAsync("c1")).Should().BeEmpty();
        (await Store.ReadPendingEventsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Completing_effects_writes_each_once_and_empties_the_outbox()
    {
        var entry = new HistoryEntry("i1/h0", "i1", "onboarding", At, HistoryKind.Entered, null, "entered");
        List<Effect> effects =
        [
            new RecordHistory("i1/h0", "c1", entry),
            new AwardPoints("i1/1/points", "c1", "i1", 10, "welcome"),
            new IssueCoupon("i1/2/coupon", "c1", "i1", "FIRST20", "FIRST20-AAAA", 20m, At.AddDays(7)),
            new RewardReferral("i1/3/referral", "c1", "i1", "c0", 500, 200, false, null),
            new ScheduleTimer("i1/4/timer", "c1", "i1/4/timer", "i1", At.AddHours(1)),
        ];
        var document = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        (await Store.ReadCustomersWithPendingEffectsAsync()).Should().Equal("c1");

        var sandboxed = new MessageRecord("i1/5/send", "c1", "i1", "onboarding", "welcome", "sms", "marketing", "t", "zh-CN", null, "hi", "+86", "sandbox", DeliveryStatus.Sandboxed, 0, null, At);
        var done = await Store.CompleteEffectsAsync(document, effects, [sandboxed], At);
        done.Version.Should().Be(2);
        // A replay after a crash (same effects, stale document) must not duplicate anything.
        var replay = () => Store.CompleteEffectsAsync(document, effects, [sandboxed], At);
        await replay.Should().ThrowAsync<ConcurrencyConflictException>();
        await Store.CompleteEffectsAsync(done with { PendingEffects = [.. effects] }, effects, [sandboxed], At);

        (await Store.ReadCustomerAsync("c1"))!.PendingEffects.Should().BeEmpty();
        (await Store.ReadCustomersWithPendingEffectsAsync()).Should().BeEmpty();
        (await Store.ReadInstanceHistoryAsync("i1", 0, 10)).Entries.Should().ContainSingle().Which.Should().Be(entry);
        var points = await Store.ReadPointsAsync("c1");
        points.Select(p => (p.EntryId, p.Points)).Should().Equal(("i1/1/points", 10L), ("i1/3/referral/referee", 200L));
        (await Store.ReadPointsAsync("c0")).Should().BeEmpty("the referrer is credited by their own step, not by the referee's effect");
        var credit = (await Store.ReadPendingEventsAsync()).Should().ContainSingle("the referrer's credit enters the inbox once, replays included").Subject;
        credit.Should().BeEquivalentTo(new { Id = "i1/3/referral/referrer", Type = "points.awarded", Subject = "c0" });
        credit.DataString("entryId").Should().Be("i1/3/referral/referrer");
        credit.DataDecimal("points").Should().Be(500m);
        (await Store.ReadCouponsAsync("c1")).Should().ContainSingle(c => c.Code == "FIRST20-AAAA" && c.Amount == 20m && c.ExpiresAt == At.AddDays(7));
        (await Store.ReadMessagesAsync("c1", 10)).Should().ContainSingle().Which.Should().Be(sandboxed);
        (await Store.ReadTimersAsync("c1")).Should().ContainSingle(t => t.TimerId == "i1/4/timer");
        (await Store.ReadEarliestTimersAsync(10)).Should().ContainSingle(t => t.TimerId == "i1/4/timer");
        (await Store.FindInstanceCustomerAsync("i1")).Should().Be("c1");
        (await Store.FindInstanceCustomerAsync("unknown")).Should().BeNull();
    }

    [Fact]
    public async Task Loyalty_points_and_held_referral_rewards_are_written_once_each()
    {
        var ledger = new PointsLedgerEntry("ord-1/order", "c1", At, 99, "order", "order ord-1") { ExpiresAt = At.AddYears(1) };
        List<Effect> effects =
        [
            new RecordPoints("ord-1/order", "c1", ledger),
            new RewardReferral("i1/9/referral", "c1", "i1", "c0", 500, 200, true, "shared-device"),
        ];
        var document = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        var done = await Store.CompleteEffectsAsync(document, effects, [], At.AddMinutes(1));
        await Store.CompleteEffectsAsync(done with { PendingEffects = [.. effects] }, effects, [], At.AddMinutes(2));

        var points = await Store.ReadPointsAsync("c1");
        points.Should().HaveCount(2);
        points[0].Should().Be(new PointsEntry("ord-1/order", "c1", null, 99, "order", "order ord-1", PointsStatus.Credited, At, At.AddYears(1)));
        points[1].Status.Should().Be(PointsStatus.Held);
        points[1].Reason.Should().Contain("held: shared-device");
        (await Store.ReadPointsAsync("c0")).Should().ContainSingle(p => p.Status == PointsStatus.Held && p.Points == 500);
    }

    [Fact]
    public async Task A_delivered_message_is_never_downgraded_by_a_later_failure()
    {
        MessageRecord Message(DeliveryStatus status, int attempts) => new("m1", "c1", "i1", "j", "s", "webhook", "transactional", "t", "en", null, "b", "url", "webhook", status, attempts, status.ToString(), At);
        await Store.RecordMessageAsync(Message(DeliveryStatus.Failed, 3));
        (await Store.ReadMessageAsync("m1"))!.Status.Should().Be(DeliveryStatus.Failed);
        await Store.RecordMessageAsync(Message(DeliveryStatus.Delivered, 1));
        await Store.RecordMessageAsync(Message(DeliveryStatus.Failed, 2));

        var stored = await Store.ReadMessageAsync("m1");
        stored!.Status.Should().Be(DeliveryStatus.Delivered);
        stored.Attempts.Should().Be(4);
        stored.Detail.Should().Be("Delivered");
        (await Store.ReadMessageAsync("m2")).Should().BeNull();
        (await Store.ReadMessagesAsync("c1", 10)).Should().ContainSingle();
    }
}
