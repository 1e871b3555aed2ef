using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>
/// What only the SQLite store does (WAL, group commit, reopening the file) and SQLite-specific details of shared
/// behaviour; what every store must do is in <see cref="JourneyStoreContractTests"/>, which runs on SQLite too.
/// </summary>
public sealed class SqliteJourneyStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = EngineHarness.Start;
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(At);
    private SqliteJourneyStore _store = null!;

    public Task InitializeAsync()
    {
        _store = Open();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    private SqliteJourneyStore Open(SqliteSynchronous synchronous = SqliteSynchronous.Normal) =>
        new(Options.Create(new SqliteOptions { Path = _folder.File("db/store.db"), Synchronous = synchronous }), _clock);

    [Fact]
    public async Task Opens_in_WAL_mode_with_the_configured_synchronous_setting()
    {
        await using var full = new SqliteJourneyStore(Options.Create(new SqliteOptions { Path = _folder.File("full.db"), Synchronous = SqliteSynchronous.Full }), _clock);
        using var connection = new SqliteConnection($"Data Source={_folder.File("full.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        command.ExecuteScalar().Should().Be("wal");
        File.Exists(_store.FilePath).Should().BeTrue();
    }

    [Fact]
    public async Task DisposeAsync_AfterManyCommits_LeavesAnEmptyWalAndKeepsTheData()
    {
        var path = _folder.File("wal/store.db");
        var store = new SqliteJourneyStore(Options.Create(new SqliteOptions { Path = path }), _clock);
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => store.CommitStepAsync(new StepCommit(CustomerDocument.New($"c{i}"), 0))));
        new FileInfo(path + "-wal").Length.Should().BeGreaterThan(0, "commits go to the WAL first");

        await store.DisposeAsync();

        var wal = new FileInfo(path + "-wal");
        (wal.Exists ? wal.Length : 0).Should().Be(0, "the store checkpoints and truncates the WAL when it closes");
        await using var reopened = new SqliteJourneyStore(Options.Create(new SqliteOptions { Path = path }), _clock);
        (await reopened.ReadCustomerAsync("c299")).Should().NotBeNull();
    }

    [Fact]
    public async Task A_failing_write_fails_alone_in_a_group_commit()
    {
        await _store.CommitStepAsync(new StepCommit(CustomerDocument.New("taken"), 0));
        var writes = Enumerable.Range(0, 50)
            .Select(i => _store.CommitStepAsync(new StepCommit(CustomerDocument.New(i == 25 ? "taken" : $"c{i}"), 0)))
            .ToList();

        var results = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return true;
            }
            catch (ConcurrencyConflictException)
            {
                return false;
            }
        }));

        results.Count(ok => !ok).Should().Be(1);
        (await _store.ReadStatusAsync()).Customers.Should().Be(50);
    }

    [Fact]
    public async Task A_step_commit_consumes_its_inbox_event_and_fired_timer_atomically()
    {
        await _store.AcceptEventsAsync([Events.Registered("c1", At, "e1")], At);
        var doc = await _store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [new ScheduleTimer("t1", "c1", "t1", "i1", At.AddDays(1))] }, 0, "e1"));
        await _store.CompleteEffectsAsync(doc, doc.PendingEffects, [], At);
        (await _store.ReadEarliestTimersAsync(10)).Should().ContainSingle(t => t.TimerId == "t1" && t.DueAt == At.AddDays(1));
        (await _store.ReadEventStatusAsync("e1")).Should().Be(EventStatus.Done);

        var current = await _store.ReadCustomerAsync("c1");
        await _store.CommitStepAsync(new StepCommit(current!, current!.Version, FiredTimerId: "t1"));

        (await _store.ReadEarliestTimersAsync(10)).Should().BeEmpty();
        (await _store.ReadPendingEventsAsync()).Should().BeEmpty();
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
        var document = await _store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        (await _store.ReadCustomersWithPendingEffectsAsync()).Should().Equal("c1");

        var sandboxed = new MessageRecord("i1/5/send", "c1", "i1", "onboarding", "welcome", "sms", "marketing", "t", "zh-CN", null, "hi", "+86", "sandbox", DeliveryStatus.Sandboxed, 0, null, At);
        var done = await _store.CompleteEffectsAsync(document, effects, [sandboxed], At);
        // A replay after a crash (same effects, stale document) must not duplicate anything.
        var replay = () => _store.CompleteEffectsAsync(document, effects, [sandboxed], At);
        await replay.Should().ThrowAsync<ConcurrencyConflictException>();
        await _store.CompleteEffectsAsync(done with { PendingEffects = [.. effects] }, effects, [sandboxed], At);

        (await _store.ReadCustomerAsync("c1"))!.PendingEffects.Should().BeEmpty();
        (await _store.ReadCustomersWithPendingEffectsAsync()).Should().BeEmpty();
        (await _store.ReadInstanceHistoryAsync("i1", 0, 10)).Entries.Should().ContainSingle().Which.Should().Be(entry);
        var points = await _store.ReadPointsAsync("c1");
        points.Select(p => (p.EntryId, p.Points)).Should().Equal(("i1/1/points", 10L), ("i1/3/referral/referee", 200L));
        (await _store.ReadPointsAsync("c0")).Should().BeEmpty("the referrer is credited by their own step, not by the referee's effect");
        (await _store.ReadPendingEventsAsync()).Should().ContainSingle("the referrer's credit enters the inbox once, replays included")
            .Which.Should().BeEquivalentTo(new { Id = "i1/3/referral/referrer", Type = "points.awarded", Subject = "c0" });
        (await _store.ReadCouponsAsync("c1")).Should().ContainSingle(c => c.Code == "FIRST20-AAAA" && c.Amount == 20m);
        (await _store.ReadMessagesAsync("c1", 10)).Should().ContainSingle().Which.Should().Be(sandboxed);
        (await _store.ReadTimersAsync("c1")).Should().ContainSingle();
        (await _store.FindInstanceCustomerAsync("i1")).Should().Be("c1");
    }

    [Fact]
    public async Task History_pages_per_instance_and_per_customer_in_insertion_order()
    {
        var effects = Enumerable.Range(0, 7)
            .Select(i => (Effect)new RecordHistory($"{(i % 2 == 0 ? "a" : "b")}/h{i}", "c1", new HistoryEntry($"{(i % 2 == 0 ? "a" : "b")}/h{i}", i % 2 == 0 ? "a" : "b", "j", At.AddMinutes(i), HistoryKind.Action, "s", $"entry {i}")))
            .ToList();
        var document = await _store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        await _store.CompleteEffectsAsync(document, effects, [], At);

        var first = await _store.ReadInstanceHistoryAsync("a", 0, 3);
        first.Entries.Select(e => e.Detail).Should().Equal("entry 0", "entry 2", "entry 4");
        first.Next.Should().NotBeNull();
        var second = await _store.ReadInstanceHistoryAsync("a", first.Next!.Value, 3);
        second.Entries.Select(e => e.Detail).Should().Equal("entry 6");
        second.Next.Should().BeNull();
        (await _store.ReadCustomerHistoryAsync("c1", 0, 100)).Entries.Should().HaveCount(7);
    }

    [Fact]
    public async Task Poison_parks_the_event_and_removes_a_poisoned_timer()
    {
        await _store.AcceptEventsAsync([Events.Order("c1", At, "bad")], At);
        await _store.ParkPoisonAsync(new PoisonInput("bad", "c1", "event", "{}", "InvalidOperationException: boom", 3, At), "bad", null);
        await _store.ParkPoisonAsync(new PoisonInput("bad", "c1", "event", "{}", "InvalidOperationException: boom again", 3, At), "bad", null);

        (await _store.ReadEventStatusAsync("bad")).Should().Be(EventStatus.Poison);
        (await _store.ReadPendingEventsAsync()).Should().BeEmpty();
        var poison = (await _store.ReadPoisonAsync(10)).Should().ContainSingle().Subject;
        poison.Reason.Should().Contain("boom again");
        poison.Attempts.Should().Be(6);
    }

    [Fact]
    public async Task Erasing_a_customer_removes_everything_about_them_and_nothing_else()
    {
        foreach (var customer in new[] { "gone", "stays" })
        {
            await _store.AcceptEventsAsync([Events.Registered(customer, At, $"r-{customer}")], At);
            List<Effect> effects =
            [
                new RecordHistory($"{customer}/h0", customer, new HistoryEntry($"{customer}/h0", $"i-{customer}", "j", At, HistoryKind.Entered, null, "x")),
                new AwardPoints($"{customer}/p", customer, $"i-{customer}", 1, "r"),
                new ScheduleTimer($"{customer}/t", customer, $"{customer}/t", $"i-{customer}", At.AddDays(1)),
            ];
            var doc = await _store.CommitStepAsync(new StepCommit(CustomerDocument.New(customer) with { PendingEffects = [.. effects] }, 0, $"r-{customer}"));
            await _store.CompleteEffectsAsync(doc, effects, [], At);
        }

        (await _store.EraseCustomerAsync("gone")).Should().BeTrue();
        (await _store.EraseCustomerAsync("gone")).Should().BeFalse();

        (await _store.ReadCustomerAsync("gone")).Should().BeNull();
        (await _store.ReadEventsAsync("gone", 0, 10)).Should().BeEmpty();
        (await _store.ReadCustomerHistoryAsync("gone", 0, 10)).Entries.Should().BeEmpty();
        (await _store.ReadPointsAsync("gone")).Should().BeEmpty();
        (await _store.ReadTimersAsync("gone")).Should().BeEmpty();
        (await _store.ReadCustomerAsync("stays")).Should().NotBeNull();
        (await _store.ReadPointsAsync("stays")).Should().HaveCount(1);
        (await _store.ReadTimersAsync("stays")).Should().HaveCount(1);
    }

    [Fact]
    public async Task Data_survives_reopening_the_file()
    {
        await _store.AcceptEventsAsync([Events.Registered("c1", At, "e1")], At);
        await _store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0, "e1"));
        await _store.DisposeAsync();

        _store = Open(SqliteSynchronous.Full);
        (await _store.ReadCustomerAsync("c1"))!.Version.Should().Be(1);
        (await _store.ReadEventStatusAsync("e1")).Should().Be(EventStatus.Done);
    }

    [Fact]
    public async Task DropEventBodiesAsync_ProcessedEventsPastRetention_TimelineKeepsTheirHeadersAndSaysDropped()
    {
        await _store.AcceptEventsAsync([Events.Order("c1", At, "old", 120m), Events.Order("c1", At, "pending", 80m)], At);
        await _store.AcceptEventsAsync([Events.Order("c1", At.AddDays(20), "recent", 60m)], At.AddDays(20));
        var v1 = await _store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0, "old"));
        await _store.CommitStepAsync(new StepCommit(v1, 1, "recent"));

        var dropped = await _store.DropEventBodiesAsync(At.AddDays(10));

        dropped.Should().Be(1, "only the processed event received before the cutoff");
        var timeline = await _store.ReadEventsAsync("c1", 0, 10);
        timeline.Select(t => (t.Event.Id, t.BodyDropped)).Should().Equal(("old", true), ("pending", false), ("recent", false));
        timeline[0].Event.Should().BeEquivalentTo(new { Id = "old", Type = "order.completed", Subject = "c1", Time = At });
        timeline[0].Event.Data.Should().BeEmpty();
        timeline[1].Event.DataDecimal("amount").Should().Be(80m);
        (await _store.ReadPendingEventsAsync()).Should().ContainSingle(e => e.Id == "pending" && e.DataDecimal("amount") == 80m);
        (await _store.DropEventBodiesAsync(At.AddDays(10))).Should().Be(0, "a dropped body is not dropped again");
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(30, true)]
    public void EventBodyRetentionDays_IsValidatedAtStartUp(int days, bool valid)
    {
        var options = new SqliteOptions { EventBodyRetentionDays = days };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true).Should().Be(valid);
    }
}
