using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>
/// What every <see cref="IJourneyStore"/> must do, run against each implementation (one subclass per store; since the Cosmos engine retired, the embedded SQLite store is the one): the
/// ETag-checked customer commit, idempotent effects, the inbox, timers in due order, history paging, ledgers,
/// publishing, poison and erase. Each test gets a fresh, empty store and a fake clock at <see cref="At"/>.
/// </summary>
public abstract class JourneyStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset At = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Clock { get; } = new(At);

    protected IJourneyStore Store { get; private set; } = null!;

    protected abstract Task<IJourneyStore> OpenAsync(FakeTimeProvider clock);

    protected abstract Task CloseAsync(IJourneyStore store);

    public async Task InitializeAsync() => Store = await OpenAsync(Clock);

    public Task DisposeAsync() => CloseAsync(Store);

    // ── customer document and ETag ────────────────────────────────────────

    [Fact]
    public async Task A_commit_checks_the_version_like_an_ETag()
    {
        var document = CustomerDocument.New("c1");
        var v1 = await Store.CommitStepAsync(new StepCommit(document, 0));
        v1.Version.Should().Be(1);

        var v2 = await Store.CommitStepAsync(new StepCommit(v1 with { ProcessedInputs = ["e:1"] }, 1));
        v2.Version.Should().Be(2);

        var stale = () => Store.CommitStepAsync(new StepCommit(v1 with { ProcessedInputs = ["e:other"] }, 1));
        await stale.Should().ThrowAsync<ConcurrencyConflictException>();
        var twiceNew = () => Store.CommitStepAsync(new StepCommit(document, 0));
        await twiceNew.Should().ThrowAsync<ConcurrencyConflictException>();
        var missing = () => Store.CommitStepAsync(new StepCommit(CustomerDocument.New("nobody"), 3));
        await missing.Should().ThrowAsync<ConcurrencyConflictException>();

        var stored = await Store.ReadCustomerAsync("c1");
        stored!.Version.Should().Be(2);
        stored.ProcessedInputs.Should().Equal("e:1");
        (await Store.ReadCustomerAsync("nobody")).Should().BeNull();
    }

    [Fact]
    public async Task Of_concurrent_commits_on_one_version_exactly_one_wins()
    {
        var v1 = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0));
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await Store.CommitStepAsync(new StepCommit(v1 with { ProcessedInputs = [$"e:{i}"] }, 1));
                return i;
            }
            catch (ConcurrencyConflictException)
            {
                return -1;
            }
        });

        var winners = (await Task.WhenAll(attempts)).Where(i => i >= 0).ToList();
        winners.Should().ContainSingle();
        var stored = await Store.ReadCustomerAsync("c1");
        (stored!.Version, stored.ProcessedInputs.Single()).Should().Be((2, $"e:{winners[0]}"));
    }

    // ── inbox ─────────────────────────────────────────────────────────────

    [Fact]
    public async Task Accepting_events_is_idempotent_by_event_id_also_within_one_batch()
    {
        var first = await Store.AcceptEventsAsync([Events.Registered("c1", At, "e1"), Events.Order("c1", At, "e2"), Events.Order("c1", At, "e2")], At);
        var second = await Store.AcceptEventsAsync([Events.Order("c1", At, "e2"), Events.Order("c1", At, "e3")], At);

        first.Should().Equal("e1", "e2");
        second.Should().Equal("e3");
        (await Store.ReadPendingEventsAsync()).Select(e => e.Id).Should().Equal("e1", "e2", "e3");
        var timeline = await Store.ReadEventsAsync("c1", 0, 10);
        timeline.Select(t => t.Event.Id).Should().Equal("e1", "e2", "e3");
        timeline[1].Event.Data["amount"]!.GetValue<decimal>().Should().Be(99m);
        timeline.Should().OnlyContain(t => t.Status == EventStatus.Pending && t.ReceivedAt == At);
    }

    [Fact]
    public async Task Pending_events_are_those_no_step_has_consumed_yet_oldest_first()
    {
        await Store.AcceptEventsAsync([Events.Registered("c1", At, "e1"), Events.Order("c2", At, "e2")], At);
        await Store.AcceptEventsAsync([Events.Order("c1", At, "e3"), Events.Order("c3", At, "e4"), Events.Order("c3", At, "e5")], At.AddSeconds(1));

        await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0, "e1"));
        await Store.MarkConsumedAsync("e4", null);
        await Store.ParkPoisonAsync(new PoisonInput("e5", "c3", "event", "{}", "boom", 3, At), "e5", null);
        await Store.MarkConsumedAsync("e5", null); // a poisoned event stays poison

        (await Store.ReadPendingEventsAsync()).Select(e => e.Id).Should().Equal("e2", "e3");
        (await Store.ReadEventStatusAsync("e1")).Should().Be(EventStatus.Done);
        (await Store.ReadEventStatusAsync("e3")).Should().Be(EventStatus.Pending);
        (await Store.ReadEventStatusAsync("e4")).Should().Be(EventStatus.Done);
        (await Store.ReadEventStatusAsync("e5")).Should().Be(EventStatus.Poison);
        (await Store.ReadEventStatusAsync("never")).Should().BeNull();
        (await Store.ReadStatusAsync()).PendingEvents.Should().Be(2);
    }

    [Fact]
    public async Task The_timeline_pages_by_sequence_number()
    {
        await Store.AcceptEventsAsync([.. Enumerable.Range(0, 5).Select(i => Events.Order("c1", At.AddMinutes(i), $"o{i}"))], At);
        await Store.AcceptEventsAsync([Events.Order("c2", At, "other")], At);

        var first = await Store.ReadEventsAsync("c1", 0, 2);
        var second = await Store.ReadEventsAsync("c1", first[^1].Seq, 2);
        var third = await Store.ReadEventsAsync("c1", second[^1].Seq, 2);

        first.Concat(second).Concat(third).Select(t => t.Event.Id).Should().Equal("o0", "o1", "o2", "o3", "o4");
        (await Store.ReadEventsAsync("c1", third[^1].Seq, 2)).Should().BeEmpty();
    }

    // ── effects ───────────────────────────────────────────────────────────

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

    // ── timers ────────────────────────────────────────────────────────────

    [Fact]
    public async Task Timers_come_back_soonest_first_however_far_apart_and_overdue_ones_first()
    {
        // Overdue, due now, minutes, hours, days and months ahead; two share a due time; two customers.
        var dues = new (string Id, string Customer, DateTimeOffset Due)[]
        {
            ("t-month", "c1", At.AddDays(40)),
            ("t-hour", "c2", At.AddHours(1)),
            ("t-overdue", "c1", At.AddDays(-3)),
            ("t-now", "c2", At),
            ("t-tie-b", "c1", At.AddMinutes(7)),
            ("t-tie-a", "c2", At.AddMinutes(7)),
            ("t-days", "c2", At.AddDays(3)),
            ("t-year", "c1", At.AddDays(400)),
        };
        foreach (var customer in new[] { "c1", "c2" })
        {
            List<Effect> effects = [.. dues.Where(d => d.Customer == customer).Select(d => (Effect)new ScheduleTimer(d.Id, customer, d.Id, $"i-{customer}", d.Due))];
            var doc = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New(customer) with { PendingEffects = [.. effects] }, 0));
            await Store.CompleteEffectsAsync(doc, effects, [], At);
        }

        var expected = new[] { "t-overdue", "t-now", "t-tie-a", "t-tie-b", "t-hour", "t-days", "t-month", "t-year" };
        (await Store.ReadEarliestTimersAsync(100)).Select(t => t.TimerId).Should().Equal(expected);
        (await Store.ReadEarliestTimersAsync(3)).Select(t => t.TimerId).Should().Equal(expected[..3]);
        (await Store.ReadTimersAsync("c1")).Select(t => t.TimerId).Should().Equal("t-overdue", "t-tie-b", "t-month", "t-year");
        var status = await Store.ReadStatusAsync();
        (status.Timers, status.NextTimerDue).Should().Be((8, At.AddDays(-3)));

        // Weeks later, with the early ones consumed or cancelled, the rest is still found in order.
        Clock.Advance(TimeSpan.FromDays(50));
        var c1 = (await Store.ReadCustomerAsync("c1"))!;
        c1 = await Store.CommitStepAsync(new StepCommit(c1 with { PendingEffects = [new CancelTimer("cancel-month", "c1", "t-month", "i-c1")] }, c1.Version, FiredTimerId: "t-overdue"));
        await Store.CompleteEffectsAsync(c1, c1.PendingEffects, [], Clock.GetUtcNow());
        var c2 = (await Store.ReadCustomerAsync("c2"))!;
        c2 = await Store.CommitStepAsync(new StepCommit(c2, c2.Version, FiredTimerId: "t-now"));
        await Store.CommitStepAsync(new StepCommit(c2, c2.Version, FiredTimerId: "t-hour"));
        await Store.MarkConsumedAsync(null, "t-hour"); // a duplicate firing: nothing left to remove

        (await Store.ReadEarliestTimersAsync(100)).Select(t => t.TimerId).Should().Equal("t-tie-a", "t-tie-b", "t-days", "t-year");
        (await Store.ReadEarliestTimersAsync(100)).Select(t => t.TimerId).Should().Equal("t-tie-a", "t-tie-b", "t-days", "t-year");
        (await Store.ReadTimersAsync("c1")).Select(t => t.TimerId).Should().Equal("t-tie-b", "t-year");
    }

    [Fact]
    public async Task A_timer_scheduled_into_the_past_still_fires_first()
    {
        Clock.Advance(TimeSpan.FromDays(2));
        await Store.ReadEarliestTimersAsync(10); // the poller has been running
        List<Effect> effects = [new ScheduleTimer("late", "c1", "late", "i1", At), new ScheduleTimer("soon", "c1", "soon", "i1", Clock.GetUtcNow().AddMinutes(1))];
        var doc = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        await Store.CompleteEffectsAsync(doc, effects, [], Clock.GetUtcNow());

        (await Store.ReadEarliestTimersAsync(10)).Select(t => t.TimerId).Should().Equal("late", "soon");
    }

    // ── history ───────────────────────────────────────────────────────────

    [Fact]
    public async Task History_pages_per_instance_and_per_customer_in_insertion_order()
    {
        var effects = Enumerable.Range(0, 7)
            .Select(i => (Effect)new RecordHistory($"{(i % 2 == 0 ? "a" : "b")}/h{i}", "c1", new HistoryEntry($"{(i % 2 == 0 ? "a" : "b")}/h{i}", i % 2 == 0 ? "a" : "b", "j", At.AddMinutes(i), HistoryKind.Action, "s", $"entry {i}")))
            .ToList();
        var document = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        var done = await Store.CompleteEffectsAsync(document, effects, [], At);
        var more = new RecordHistory("a/h7", "c1", new HistoryEntry("a/h7", "a", "j", At.AddMinutes(7), HistoryKind.Completed, null, "entry 7"));
        var next = await Store.CommitStepAsync(new StepCommit(done with { PendingEffects = [more] }, done.Version));
        await Store.CompleteEffectsAsync(next, [more], [], At);

        var first = await Store.ReadInstanceHistoryAsync("a", 0, 3);
        first.Entries.Select(e => e.Detail).Should().Equal("entry 0", "entry 2", "entry 4");
        first.Next.Should().NotBeNull();
        var second = await Store.ReadInstanceHistoryAsync("a", first.Next!.Value, 3);
        second.Entries.Select(e => e.Detail).Should().Equal("entry 6", "entry 7");
        second.Next.Should().BeNull();
        second.Entries[1].Kind.Should().Be(HistoryKind.Completed);

        var all = await Store.ReadCustomerHistoryAsync("c1", 0, 5);
        all.Entries.Select(e => e.Detail).Should().Equal("entry 0", "entry 1", "entry 2", "entry 3", "entry 4");
        var rest = await Store.ReadCustomerHistoryAsync("c1", all.Next!.Value, 5);
        rest.Entries.Select(e => e.Detail).Should().Equal("entry 5", "entry 6", "entry 7");
        rest.Next.Should().BeNull();
        (await Store.ReadInstanceHistoryAsync("nothing", 0, 3)).Entries.Should().BeEmpty();
    }

    // ── journeys ──────────────────────────────────────────────────────────

    [Fact]
    public async Task Publishing_numbers_versions_per_journey_and_ignores_identical_content_by_hash()
    {
        var loaded = JourneyLoader.LoadDirectory(Paths.BuiltInJourneys);
        var onboarding = loaded.Journeys.Single(j => j.Name == "onboarding");
        var changed = JourneyLoader.Load("onboarding.yaml", onboarding.Yaml.Replace("priority: 60", "priority: 61", StringComparison.Ordinal), onboarding.Templates.Values.SelectMany(l => l.Values)).Journeys.Single();
        changed.Version.Should().NotBe(onboarding.Version);

        var v1 = await Store.PublishJourneyAsync(onboarding, At);
        var again = await Store.PublishJourneyAsync(onboarding, At.AddDays(1));
        var v2 = await Store.PublishJourneyAsync(changed, At.AddDays(2));
        var v1Again = await Store.PublishJourneyAsync(onboarding, At.AddDays(3));
        var other = await Store.PublishJourneyAsync(loaded.Journeys.Single(j => j.Name == "win-back"), At);

        (v1.Number, v1.Created).Should().Be((1, true));
        (again.Number, again.Created, again.PublishedAt).Should().Be((1, false, At));
        (v2.Number, v2.Created).Should().Be((2, true));
        (v1Again.Number, v1Again.Created).Should().Be((1, false));
        other.Number.Should().Be(1);
        var all = await Store.ReadJourneysAsync();
        all.Select(j => (j.Name, j.Number)).Should().Equal(("onboarding", 1), ("onboarding", 2), ("win-back", 1));
        all[0].Version.Should().Be(onboarding.Version);
        all[0].Yaml.Should().Be(onboarding.Yaml);
        all[0].Templates.Should().Contain(t => t.Name == "onboarding-welcome" && t.Locale == "zh-CN" && t.Text.Length > 0);
    }

    // ── referrals ─────────────────────────────────────────────────────────

    [Fact]
    public async Task A_referrers_recent_referrals_follow_the_referees_documents()
    {
        foreach (var (referee, days) in new[] { ("r1", 1), ("r2", 10), ("r3", 40) })
        {
            var doc = CustomerDocument.New(referee);
            var referred = doc with { State = doc.State with { Profile = doc.State.Profile with { ReferredBy = new ReferredBy { ReferrerId = "boss", AcceptedAt = At.AddDays(-days), EventId = $"ref-{referee}" } } } };
            await Store.CommitStepAsync(new StepCommit(referred, 0));
        }

        (await Store.ReadReferralsAsync("boss", At.AddDays(-30))).Should().Equal(new AcceptedReferral("r2", At.AddDays(-10)), new AcceptedReferral("r1", At.AddDays(-1)));
        (await Store.ReadReferralsAsync("someone-else", At.AddDays(-30))).Should().BeEmpty();

        // A later step of the referee keeps one link.
        var r1 = (await Store.ReadCustomerAsync("r1"))!;
        await Store.CommitStepAsync(new StepCommit(r1 with { ProcessedInputs = ["x"] }, r1.Version));
        (await Store.ReadReferralsAsync("boss", At.AddDays(-30))).Should().HaveCount(2);
    }

    // ── poison ────────────────────────────────────────────────────────────

    [Fact]
    public async Task Poison_parks_the_event_and_adds_up_attempts_when_parked_again()
    {
        await Store.AcceptEventsAsync([Events.Order("c1", At, "bad")], At);
        await Store.ParkPoisonAsync(new PoisonInput("bad", "c1", "event", "{}", "InvalidOperationException: boom", 3, At), "bad", null);
        await Store.ParkPoisonAsync(new PoisonInput("bad", "c1", "event", "{}", "InvalidOperationException: boom again", 3, At.AddMinutes(1)), "bad", null);
        await Store.ParkPoisonAsync(new PoisonInput("worse", "c2", "event", "{\"x\":1}", "FormatException: no", 5, At.AddMinutes(2)), null, null);

        (await Store.ReadEventStatusAsync("bad")).Should().Be(EventStatus.Poison);
        (await Store.ReadPendingEventsAsync()).Should().BeEmpty();
        var poison = await Store.ReadPoisonAsync(10);
        poison.Select(p => p.InputId).Should().Equal("worse", "bad");
        poison[1].Reason.Should().Contain("boom again");
        poison[1].Attempts.Should().Be(6);
        poison[0].Should().Be(new PoisonInput("worse", "c2", "event", "{\"x\":1}", "FormatException: no", 5, At.AddMinutes(2)));
        (await Store.ReadPoisonAsync(1)).Should().ContainSingle(p => p.InputId == "worse");
        (await Store.ReadStatusAsync()).Poison.Should().Be(2);
    }

    [Fact]
    public async Task A_poisoned_timer_leaves_the_index()
    {
        List<Effect> effects = [new ScheduleTimer("t1", "c1", "t1", "i1", At.AddMinutes(5)), new ScheduleTimer("t2", "c1", "t2", "i1", At.AddMinutes(6))];
        var doc = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        await Store.CompleteEffectsAsync(doc, effects, [], At);

        await Store.ParkPoisonAsync(new PoisonInput("t1", "c1", "timer", "{}", "boom", 3, At), null, "t1");

        (await Store.ReadEarliestTimersAsync(10)).Select(t => t.TimerId).Should().Equal("t2");
        (await Store.ReadTimersAsync("c1")).Select(t => t.TimerId).Should().Equal("t2");
        (await Store.ReadPoisonAsync(10)).Should().ContainSingle(p => p.Kind == "timer");
    }

    // ── erase and status ──────────────────────────────────────────────────

    [Fact]
    public async Task Erasing_a_customer_removes_everything_about_them_and_nothing_else()
    {
        foreach (var customer in new[] { "gone", "stays" })
        {
            await Store.AcceptEventsAsync([Events.Registered(customer, At, $"r-{customer}")], At);
            List<Effect> effects =
            [
                new RecordHistory($"{customer}/h0", customer, new HistoryEntry($"{customer}/h0", $"i-{customer}", "j", At, HistoryKind.Entered, null, "x")),
                new AwardPoints($"{customer}/p", customer, $"i-{customer}", 1, "r"),
                new IssueCoupon($"{customer}/c", customer, $"i-{customer}", "WELCOME", $"W-{customer}", 5m, null),
                new ScheduleTimer($"{customer}/t", customer, $"{customer}/t", $"i-{customer}", At.AddDays(1)),
            ];
            var doc = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New(customer) with { PendingEffects = [.. effects] }, 0, $"r-{customer}"));
            var message = new MessageRecord($"{customer}/m", customer, $"i-{customer}", "j", "s", "sms", null, null, null, null, "hi", null, "sandbox", DeliveryStatus.Sandboxed, 0, null, At);
            await Store.CompleteEffectsAsync(doc, effects, [message], At);
            await Store.ParkPoisonAsync(new PoisonInput($"{customer}-bad", customer, "event", "{}", "boom", 1, At), null, null);
        }

        (await Store.EraseCustomerAsync("gone")).Should().BeTrue();
        (await Store.EraseCustomerAsync("gone")).Should().BeFalse();
        (await Store.EraseCustomerAsync("never-there")).Should().BeFalse();

        (await Store.ReadCustomerAsync("gone")).Should().BeNull();
        (await Store.ReadEventsAsync("gone", 0, 10)).Should().BeEmpty();
        (await Store.ReadCustomerHistoryAsync("gone", 0, 10)).Entries.Should().BeEmpty();
        (await Store.ReadInstanceHistoryAsync("i-gone", 0, 10)).Entries.Should().BeEmpty();
        (await Store.ReadPointsAsync("gone")).Should().BeEmpty();
        (await Store.ReadCouponsAsync("gone")).Should().BeEmpty();
        (await Store.ReadMessagesAsync("gone", 10)).Should().BeEmpty();
        (await Store.ReadTimersAsync("gone")).Should().BeEmpty();
        (await Store.ReadEarliestTimersAsync(10)).Select(t => t.CustomerId).Should().Equal("stays");
        (await Store.ReadPoisonAsync(10)).Select(p => p.CustomerId).Should().Equal("stays");
        (await Store.ReadCustomerAsync("stays")).Should().NotBeNull();
        (await Store.ReadPointsAsync("stays")).Should().HaveCount(1);
        (await Store.ReadMessagesAsync("stays", 10)).Should().HaveCount(1);
        (await Store.ReadTimersAsync("stays")).Should().HaveCount(1);
        (await Store.ReadStatusAsync()).Customers.Should().Be(1);
    }

    [Fact]
    public async Task Status_counts_what_ops_watch()
    {
        await Store.AcceptEventsAsync([Events.Registered("c1", At, "e1"), Events.Registered("c2", At, "e2"), Events.Registered("c3", At, "e3")], At);
        await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0, "e1"));
        var withOutbox = CustomerDocument.New("c2") with { PendingEffects = [new ScheduleTimer("t", "c2", "t", "i", At.AddHours(2))] };
        await Store.CommitStepAsync(new StepCommit(withOutbox, 0, "e2"));

        var status = await Store.ReadStatusAsync();
        (status.Customers, status.PendingEvents, status.CustomersWithPendingEffects, status.Timers, status.NextTimerDue, status.Poison)
            .Should().Be((2, 1, 1, 0, null, 0));
        status.DatabaseBytes.Should().BeGreaterThanOrEqualTo(0);
    }

    // ── live counts per step ──────────────────────────────────────────────

    private static JourneyInstance Instance(string customer, string id, string journey, string version, string? step, InstanceStatus status = InstanceStatus.Active) => new()
    {
        InstanceId = id,
        CustomerId = customer,
        Journey = journey,
        Version = version,
        EntryEvent = Events.Registered(customer, At, $"entry-{id}"),
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
    public async Task CountInstancesByStep_InstancesWaitingAtDifferentSteps_CountsPerVersionAndStep()
    {
        await Store.CommitStepAsync(new StepCommit(With(CustomerDocument.New("c1"), Instance("c1", "j-1", "j", "v1", "wait"), Instance("c1", "k-1", "k", "v1", "wait")), 0));
        await Store.CommitStepAsync(new StepCommit(With(CustomerDocument.New("c2"), Instance("c2", "j-2", "j", "v1", "wait")), 0));
        await Store.CommitStepAsync(new StepCommit(With(CustomerDocument.New("c3"), Instance("c3", "j-3", "j", "v1", "remind")), 0));
        await Store.CommitStepAsync(new StepCommit(With(CustomerDocument.New("c4"), Instance("c4", "j-4", "j", "v2", "wait")), 0));
        await Store.CommitStepAsync(new StepCommit(With(CustomerDocument.New("c5"), Instance("c5", "j-5", "j", "v2", "remind", InstanceStatus.Faulted)), 0));
        await Store.CommitStepAsync(new StepCommit(With(CustomerDocument.New("c6"), Instance("c6", "j-6", "j", "v1", "wait", InstanceStatus.Ended)), 0));

        (await Store.CountInstancesByStepAsync("j")).Should().Equal(
            new InstanceStepCount("j", "v1", "remind", 1, 0),
            new InstanceStepCount("j", "v1", "wait", 2, 0),
            new InstanceStepCount("j", "v2", "remind", 0, 1),
            new InstanceStepCount("j", "v2", "wait", 1, 0));
        (await Store.CountInstancesByStepAsync("j", "v2")).Should().Equal(
            new InstanceStepCount("j", "v2", "remind", 0, 1),
            new InstanceStepCount("j", "v2", "wait", 1, 0));
        (await Store.CountInstancesByStepAsync("k")).Should().Equal(new InstanceStepCount("k", "v1", "wait", 1, 0));
        (await Store.CountInstancesByStepAsync("nobody")).Should().BeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the engine passes the replaced document, and a store may then write only what moved
    public async Task CountInstancesByStep_InstancesMoveEndAndAreErased_CountsFollow(bool withReplacedDocument)
    {
        Task<CustomerDocument> Commit(CustomerDocument next, CustomerDocument? replaced) =>
            Store.CommitStepAsync(new StepCommit(next, replaced?.Version ?? 0) { Previous = withReplacedDocument ? replaced : null });

        var c1 = await Commit(With(CustomerDocument.New("c1"), Instance("c1", "j-1", "j", "v1", "wait")), null);
        var c2 = await Commit(With(CustomerDocument.New("c2"), Instance("c2", "j-2", "j", "v1", "wait")), null);
        await Commit(With(CustomerDocument.New("c3"), Instance("c3", "j-3", "j", "v1", "wait")), null);
        (await Store.CountInstancesByStepAsync("j")).Should().Equal(new InstanceStepCount("j", "v1", "wait", 3, 0));

        // c1 moves on to the next wait; c2 completes; a commit that changes no instance (an outbox completion) changes nothing.
        c1 = await Commit(With(c1, Instance("c1", "j-1", "j", "v1", "remind")), c1);
        c1 = await Store.CompleteEffectsAsync(c1, [], [], At);
        c2 = await Commit(With(c2, Instance("c2", "j-2", "j", "v1", "wait", InstanceStatus.Ended)), c2);
        (await Store.CountInstancesByStepAsync("j")).Should().Equal(
            new InstanceStepCount("j", "v1", "remind", 1, 0),
            new InstanceStepCount("j", "v1", "wait", 1, 0));

        // An ended instance pruned from the document stays uncounted; c1's completes too; c3 is erased.
        await Commit(c2 with { State = c2.State with { Instances = [] } }, c2);
        await Commit(With(c1, Instance("c1", "j-1", "j", "v1", "remind", InstanceStatus.Ended)), c1);
        await Store.EraseCustomerAsync("c3");
        (await Store.CountInstancesByStepAsync("j")).Should().BeEmpty();
    }
}
