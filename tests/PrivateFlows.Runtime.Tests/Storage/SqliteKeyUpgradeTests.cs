using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>A file written before the timers' (customer, id) key and the clustered step index opens with the same rows.</summary>
public sealed class SqliteKeyUpgradeTests : IDisposable
{
    private static readonly DateTimeOffset At = EngineHarness.Start;
    private readonly TempFolder _folder = new();

    // The two tables, their indexes and the step-count triggers as commit c104330 created them.
    private const string EarlierLayout = """
        CREATE TABLE timers (id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, instance_id TEXT NOT NULL, due_at INTEGER NOT NULL);
        CREATE INDEX timers_due ON timers (due_at);
        CREATE INDEX timers_customer ON timers (customer_id);
        CREATE TABLE instance_steps (instance_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, journey TEXT NOT NULL, version TEXT NOT NULL, step TEXT NOT NULL, faulted INTEGER NOT NULL);
        CREATE INDEX instance_steps_customer ON instance_steps (customer_id);
        CREATE TABLE step_counts (journey TEXT NOT NULL, version TEXT NOT NULL, step TEXT NOT NULL, active INTEGER NOT NULL, faulted INTEGER NOT NULL, PRIMARY KEY (journey, version, step));
        CREATE TRIGGER instance_steps_added AFTER INSERT ON instance_steps BEGIN
            INSERT INTO step_counts (journey, version, step, active, faulted) VALUES (NEW.journey, NEW.version, NEW.step, 1 - NEW.faulted, NEW.faulted)
            ON CONFLICT (journey, version, step) DO UPDATE SET active = active + excluded.active, faulted = faulted + excluded.faulted;
        END;
        CREATE TRIGGER instance_steps_removed AFTER DELETE ON instance_steps BEGIN
            UPDATE step_counts SET active = active - (1 - OLD.faulted), faulted = faulted - OLD.faulted
            WHERE journey = OLD.journey AND version = OLD.version AND step = OLD.step;
        END;
        CREATE TRIGGER instance_steps_moved AFTER UPDATE ON instance_steps BEGIN
            UPDATE step_counts SET active = active - (1 - OLD.faulted), faulted = faulted - OLD.faulted
            WHERE journey = OLD.journey AND version = OLD.version AND step = OLD.step;
            INSERT INTO step_counts (journey, version, step, active, faulted) VALUES (NEW.journey, NEW.version, NEW.step, 1 - NEW.faulted, NEW.faulted)
            ON CONFLICT (journey, version, step) DO UPDATE SET active = active + excluded.active, faulted = faulted + excluded.faulted;
        END;
        INSERT INTO timers VALUES ('t-late', 'c1', 'i-1', 2000), ('t-early', 'c1', 'i-1', 1000), ('t-other', 'c2', 'i-2', 1500);
        INSERT INTO instance_steps VALUES ('i-1', 'c1', 'j', 'v1', 'wait', 0), ('i-2', 'c2', 'j', 'v1', 'wait', 0), ('i-3', 'c2', 'j', 'v1', 'send', 1);
        """;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Open_EarlierTimerAndStepIndexLayout_KeepsEveryRowAndDropsTheExtraIndexes()
    {
        var path = _folder.File("earlier.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = EarlierLayout;
            create.ExecuteNonQuery();
        }

        await using (var store = new SqliteJourneyStore(Options.Create(new SqliteOptions { Path = path }), new FakeTimeProvider(At)))
        {
            (await store.ReadTimersAsync("c1")).Select(t => t.TimerId).Should().Equal("t-early", "t-late");
            (await store.ReadEarliestTimersAsync(10)).Select(t => t.TimerId).Should().Equal("t-early", "t-other", "t-late");
            (await store.CountInstancesByStepAsync("j")).Should().Equal(
                new InstanceStepCount("j", "v1", "send", 0, 1), new InstanceStepCount("j", "v1", "wait", 2, 0));

            await store.MarkConsumedAsync("c1", null, "t-early");
            (await store.ReadTimersAsync("c1")).Select(t => t.TimerId).Should().Equal("t-late");
        }

        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        using var command = check.CreateCommand();
        command.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE name IN ('timers_customer', 'instance_steps_customer', 'timers_v1', 'instance_steps_v1') ORDER BY name)";
        command.ExecuteScalar().Should().BeOfType<DBNull>("the earlier indexes and the copies are gone");
        command.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'instance_steps'";
        ((string)command.ExecuteScalar()!).Should().Contain("WITHOUT ROWID");
    }
}
