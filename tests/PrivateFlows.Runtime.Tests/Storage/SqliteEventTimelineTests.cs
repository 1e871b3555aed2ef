using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using static PrivateFlows.Runtime.Tests.Support.SqliteFile;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>
/// The SQLite store finds a customer's events by <c>event_timeline</c>, filled behind the inbox in bulk up to a mark,
/// and by the seq range after the mark: no index on the inbox is written per accepted event, and a customer's timeline,
/// export and erasure see every event whether it was indexed yet or not.
/// </summary>
public sealed class SqliteEventTimelineTests : IDisposable
{
    private static readonly DateTimeOffset At = EngineHarness.Start;
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(At);

    public void Dispose() => _folder.Dispose();

    /// <summary>A store whose timeline catches up only when asked, so each test sees the mark where it put it.</summary>
    private SqliteJourneyStore Open(string path) => new(Options.Create(new SqliteOptions { Path = path, TimelineEvery = Timeout.InfiniteTimeSpan }), _clock);

    [Fact]
    public async Task ReadEventsAsync_EventsBeforeAndAfterTheMark_ListsEveryEventOfTheCustomerInOrder()
    {
        var path = _folder.File("store.db");
        await using var store = Open(path);
        await store.AcceptEventsAsync([Events.Order("c1", At, "a1"), Events.Order("c2", At, "b1"), Events.Order("c1", At, "a2")], At);
        await store.IndexTimelineAsync();
        await store.AcceptEventsAsync([Events.Order("c2", At, "b2"), Events.Order("c1", At, "a3")], At);
        await store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0, "a1"));

        (await store.ReadEventsAsync("c1", 0, 10)).Select(t => (t.Event.Id, t.Status))
            .Should().Equal(("a1", EventStatus.Done), ("a2", EventStatus.Pending), ("a3", EventStatus.Pending));
        var a2 = (await store.ReadEventsAsync("c1", 0, 10))[1].Seq;
        (await store.ReadEventsAsync("c1", a2, 10)).Select(t => t.Event.Id).Should().Equal(["a3"], "after a seq, across the mark");
        (await store.ReadEventsAsync("c1", 0, 2)).Select(t => t.Event.Id).Should().Equal(["a1", "a2"], "the limit counts both parts");
        (await store.ReadEventsAsync("c2", 0, 10)).Select(t => t.Event.Id).Should().Equal("b1", "b2");

        await store.IndexTimelineAsync();
        (await store.ReadEventsAsync("c1", 0, 10)).Select(t => t.Event.Id).Should().Equal(["a1", "a2", "a3"], "the same once all are indexed");
    }

    [Fact]
    public async Task IndexTimelineAsync_NewEvents_AddsThemOnceAndMovesTheMarkToTheLastSeq()
    {
        var path = _folder.File("store.db");
        await using var store = Open(path);
        await store.AcceptEventsAsync([Events.Order("c1", At, "a1"), Events.Order("c2", At, "b1"), Events.Order("c1", At, "a2")], At);

        (await store.IndexTimelineAsync()).Should().Be(3);
        (await store.IndexTimelineAsync()).Should().Be(0, "nothing new since");

        Scalar(path, "SELECT group_concat(customer_id || ':' || seq, ' ') FROM event_timeline").Should().Be("c1:1 c1:3 c2:2");
        Scalar(path, "SELECT upto FROM event_timeline_mark").Should().Be(3L);
    }

    [Fact]
    public async Task IndexTimeline_InTheBackground_CatchesUpWithoutBeingAsked()
    {
        var path = _folder.File("store.db");
        await using var store = new SqliteJourneyStore(Options.Create(new SqliteOptions { Path = path }), _clock);
        await store.AcceptEventsAsync([Events.Order("c1", At, "a1")], At);

        // The indexer paces itself on the wall clock (a physical turn), not on the engine's clock: wait with a deadline.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((long)Scalar(path, "SELECT upto FROM event_timeline_mark")! < 1) await Task.Delay(50, deadline.Token);

        Scalar(path, "SELECT COUNT(*) FROM event_timeline WHERE customer_id = 'c1'").Should().Be(1L);
    }

    [Fact]
    public async Task EraseCustomerAsync_IndexedAndNewerEvents_RemovesAllOfThemAndNoOtherCustomers()
    {
        var path = _folder.File("store.db");
        await using var store = Open(path);
        await store.AcceptEventsAsync([Events.Order("gone", At, "g1"), Events.Order("stays", At, "s1")], At);
        await store.CommitStepAsync(new StepCommit(CustomerDocument.New("gone"), 0, "g1"));
        await store.IndexTimelineAsync();
        await store.AcceptEventsAsync([Events.Order("gone", At, "g2"), Events.Order("stays", At, "s2")], At);

        (await store.EraseCustomerAsync("gone")).Should().BeTrue();

        (await store.ReadEventsAsync("gone", 0, 10)).Should().BeEmpty();
        Scalar(path, "SELECT COUNT(*) FROM events WHERE customer_id = 'gone'").Should().Be(0L, "indexed and newer events both go");
        Scalar(path, "SELECT COUNT(*) FROM event_timeline WHERE customer_id = 'gone'").Should().Be(0L, "a removed event leaves the timeline");
        (await store.ReadPendingEventIdsAsync()).Select(p => p.EventId).Should().Equal("s1", "s2");
        (await store.ReadEventsAsync("stays", 0, 10)).Select(t => t.Event.Id).Should().Equal("s1", "s2");
    }

    [Fact]
    public async Task DropErasedInputAsync_IndexedEvent_LeavesTheTimeline()
    {
        var path = _folder.File("store.db");
        await using var store = Open(path);
        await store.AcceptEventsAsync([Events.Order("late", At, "l1")], At);
        await store.IndexTimelineAsync();

        await store.DropErasedInputAsync("late", "l1", null);

        Scalar(path, "SELECT COUNT(*) FROM event_timeline").Should().Be(0L);
    }

    [Fact]
    public void SeqsOfCustomer_EventsAfterTheMark_AreReadByTheirSeqRangeNotTheWholeInbox()
    {
        var path = _folder.File("store.db");
        using (Open(path))
        {
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        foreach (var sql in new[] { SqliteJourneyStore.SeqsOfCustomer, SqliteJourneyStore.EventsOfCustomer, $"DELETE FROM events WHERE seq IN ({SqliteJourneyStore.SeqsOfCustomer})" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"EXPLAIN QUERY PLAN {sql}";
            command.Parameters.AddWithValue("$customer", "c1");
            command.Parameters.AddWithValue("$after", 0);
            command.Parameters.AddWithValue("$limit", 10);
            using var reader = command.ExecuteReader();
            var plan = new List<string>();
            while (reader.Read()) plan.Add(reader.GetString(3));

            plan.Should().Contain(p => p.StartsWith("SEARCH event_timeline USING PRIMARY KEY (customer_id=? AND seq>?)", StringComparison.Ordinal), sql);
            plan.Should().Contain(p => p.StartsWith("SEARCH events USING INTEGER PRIMARY KEY (rowid>?)", StringComparison.Ordinal), "a scan of the whole inbox would grow with it");
            plan.Should().NotContain(p => p == "SCAN e" || p.StartsWith("SCAN e ", StringComparison.Ordinal) || p.StartsWith("SCAN events", StringComparison.Ordinal), sql);
        }
    }

    [Fact]
    public async Task Opening_a_file_with_the_inbox_customer_index_moves_its_events_to_the_timeline_once()
    {
        var path = _folder.File("old.db");
        await using (var store = Open(path))
        {
            await store.AcceptEventsAsync([Events.Order("c1", At, "a1"), Events.Order("c2", At, "b1"), Events.Order("c1", At, "a2")], At);
            await store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0, "a1"));
        }

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // As the previous version (user_version 2) left it: the customer index on the inbox, no timeline table.
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                DROP TABLE event_timeline; DROP TABLE event_timeline_mark; DROP TRIGGER events_removed;
                CREATE INDEX events_customer ON events (customer_id);
                PRAGMA user_version = 2;
                """;
            command.ExecuteNonQuery();
        }

        await using (var store = Open(path))
        {
            (await store.ReadEventsAsync("c1", 0, 10)).Select(t => (t.Event.Id, t.Status)).Should().Equal(("a1", EventStatus.Done), ("a2", EventStatus.Pending));
            await store.AcceptEventsAsync([Events.Order("c1", At, "a3")], At);
            (await store.ReadEventsAsync("c1", 0, 10)).Select(t => t.Event.Id).Should().Equal("a1", "a2", "a3");
        }

        Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'events_customer'").Should().Be(0L, "the index is not written any more");
        Scalar(path, "SELECT group_concat(customer_id || ':' || seq, ' ') FROM (SELECT * FROM event_timeline WHERE seq <= 3 ORDER BY customer_id, seq)").Should().Be("c1:1 c1:3 c2:2");
        Scalar(path, "SELECT user_version FROM pragma_user_version").Should().Be(SqliteSchema.TimelineVersion);
        await using var reopened = Open(path);
        (await reopened.ReadEventsAsync("c2", 0, 10)).Select(t => t.Event.Id).Should().Equal("b1");
        (await reopened.IndexTimelineAsync()).Should().Be(1, "the upgrade put the mark after the events it moved (3); only a3 is new");
    }

    [Fact]
    public async Task Open_FileWhereAnOlderBuildRecreatedTheCustomerIndex_DropsItAgain()
    {
        var path = _folder.File("store.db");
        await using (Open(path))
        {
        }

        Scalar(path, "CREATE INDEX events_customer ON events (customer_id)");
        await using (Open(path))
        {
        }

        Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'events_customer'").Should().Be(0L, "an index nothing reads costs a page per accepted event");
    }

    [Fact]
    public async Task ReadEventsAsync_MarkRowMissing_StillFindsEveryEvent()
    {
        var path = _folder.File("store.db");
        await using var store = Open(path);
        await store.AcceptEventsAsync([Events.Order("c1", At, "a1")], At);
        Scalar(path, "DELETE FROM event_timeline_mark");

        (await store.ReadEventsAsync("c1", 0, 10)).Select(t => t.Event.Id).Should().Equal("a1");
        (await store.IndexTimelineAsync()).Should().Be(1);
        Scalar(path, "SELECT upto FROM event_timeline_mark").Should().Be(1L, "the mark is written back");
    }
}
