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
    public async Task Open_NewFile_Uses2KiBPages()
    {
        await _store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0));

        PageSize(_store.FilePath).Should().Be(2048);
    }

    [Fact]
    public async Task Open_FileMadeWith4KiBPages_KeepsItsPageSizeAndData()
    {
        var path = _folder.File("old-pages.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE kept (x INTEGER); INSERT INTO kept VALUES (1);";
            command.ExecuteNonQuery();
        }

        await using (var store = new SqliteJourneyStore(Options.Create(new SqliteOptions { Path = path }), _clock))
        {
            await store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0));
            (await store.ReadCustomerAsync("c1")).Should().NotBeNull();
        }

        PageSize(path).Should().Be(4096, "a file keeps the page size it was made with");
    }

    private static long PageSize(string path) => (long)SqliteFile.Scalar(path, "PRAGMA page_size")!;

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
