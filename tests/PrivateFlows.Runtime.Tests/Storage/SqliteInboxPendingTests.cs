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
/// The SQLite inbox keeps which events are pending in a table of their own, so the step that consumes an event does
/// not rewrite the event's row (the writer thread's second write per event), and converts once, at open, a file that
/// said 'pending' in the rows.
/// </summary>
public sealed class SqliteInboxPendingTests : IDisposable
{
    private static readonly DateTimeOffset At = EngineHarness.Start;
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(At);

    public void Dispose() => _folder.Dispose();

    private SqliteJourneyStore Open(string path) => new(Options.Create(new SqliteOptions { Path = path }), _clock);

    [Fact]
    public async Task CommitStepAsync_ConsumedEvent_LeavesItsInboxRowAsWrittenAndReadsDone()
    {
        var path = _folder.File("store.db");
        await using var store = Open(path);
        await store.AcceptEventsAsync([Events.Order("c1", At, "e1", 80m), Events.Order("c1", At, "e2", 90m)], At);
        var before = InboxRow(path, "e1");

        await store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0, "e1"));

        InboxRow(path, "e1").Should().Be(before, "consuming an event only takes it out of the pending table");
        (await store.ReadEventStatusAsync("e1")).Should().Be(EventStatus.Done);
        (await store.ReadEventStatusAsync("e2")).Should().Be(EventStatus.Pending);
        (await store.ReadPendingEventIdsAsync()).Should().Equal(new PendingEvent("e2", "c1"));
        (await store.ReadStatusAsync()).PendingEvents.Should().Be(1);
    }

    [Fact]
    public async Task EraseCustomerAsync_PendingEvents_LeaveThePendingTableToo()
    {
        var path = _folder.File("store.db");
        await using (var store = Open(path))
        {
            await store.AcceptEventsAsync([Events.Order("gone", At, "g1"), Events.Order("stays", At, "s1")], At);
            await store.CommitStepAsync(new StepCommit(CustomerDocument.New("gone"), 0));

            await store.EraseCustomerAsync("gone");

            (await store.ReadPendingEventIdsAsync()).Should().Equal(new PendingEvent("s1", "stays"));
        }

        Scalar(path, "SELECT group_concat(e.id) FROM inbox_pending p JOIN events e ON e.seq = p.seq").Should().Be("s1", "an erased customer's pending events leave the table with the events");
    }

    [Fact]
    public async Task Opening_a_file_that_said_pending_in_the_inbox_rows_moves_its_pending_events_once()
    {
        var path = _folder.File("old.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // The inbox as the previous version (user_version 1) created it: the status in the row, a partial index on it.
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, customer_id TEXT NOT NULL, type TEXT NOT NULL,
                    time INTEGER NOT NULL, received_at INTEGER NOT NULL, status TEXT NOT NULL, body BLOB NOT NULL);
                CREATE INDEX events_customer ON events (customer_id);
                CREATE INDEX events_pending ON events (seq) WHERE status = 'pending';
                INSERT INTO events (id, customer_id, type, time, received_at, status, body) VALUES
                    ('e-done', 'c1', 'order.completed', $ticks, $ticks, 'done', $body),
                    ('e-poison', 'c1', 'order.completed', $ticks, $ticks, 'poison', $body),
                    ('e-pending-b', 'c2', 'order.completed', $ticks, $ticks, 'pending', $body),
                    ('e-pending-a', 'c1', 'order.completed', $ticks, $ticks, 'pending', $body);
                PRAGMA user_version = 1;
                """;
            command.Parameters.AddWithValue("$ticks", At.UtcTicks);
            command.Parameters.AddWithValue("$body", SqliteJourneyStore.EventBody(Events.Order("c1", At, "any", 70m)));
            command.ExecuteNonQuery();
        }

        await using (var store = Open(path))
        {
            (await store.ReadPendingEventIdsAsync()).Should().Equal(new PendingEvent("e-pending-b", "c2"), new PendingEvent("e-pending-a", "c1"));
            (await store.ReadPendingEventsAsync()).Select(e => (e.Id, e.DataDecimal("amount"))).Should().Equal(("e-pending-b", 70m), ("e-pending-a", 70m));
            (await store.ReadEventsAsync("c1", 0, 10)).Select(t => (t.Event.Id, t.Status))
                .Should().Equal(("e-done", EventStatus.Done), ("e-poison", EventStatus.Poison), ("e-pending-a", EventStatus.Pending));
            (await store.ReadStatusAsync()).PendingEvents.Should().Be(2);

            await store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0, "e-pending-a"));
            await store.AcceptEventsAsync([Events.Order("c1", At, "e-new")], At);

            (await store.ReadEventStatusAsync("e-pending-a")).Should().Be(EventStatus.Done);
            (await store.ReadPendingEventIdsAsync()).Select(p => p.EventId).Should().Equal("e-pending-b", "e-new");
        }

        Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'events_pending'").Should().Be(0L, "nothing reads the partial index any more");
        Scalar(path, "SELECT user_version FROM pragma_user_version").Should().Be(SqliteSchema.TimelineVersion);
        await using var reopened = Open(path);
        (await reopened.ReadPendingEventIdsAsync()).Select(p => p.EventId).Should().Equal("e-pending-b", "e-new");
        (await reopened.ReadEventStatusAsync("e-done")).Should().Be(EventStatus.Done);
        (await reopened.ReadEventStatusAsync("e-poison")).Should().Be(EventStatus.Poison);
    }

    /// <summary>An inbox row's stored status and body, as written.</summary>
    private static string InboxRow(string path, string id) => (string)Scalar(path, $"SELECT status || ':' || hex(body) FROM events WHERE id = '{id}'")!;
}
