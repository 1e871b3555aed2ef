using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>
/// How the SQLite store keeps history and journey facts: one journal row per customer step, one facts row per step
/// and journey, and the conversion of a file written with a row per entry and per fact.
/// </summary>
public sealed class SqliteJournalTests : IDisposable
{
    private static readonly DateTimeOffset At = EngineHarness.Start;
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(At);

    public void Dispose() => _folder.Dispose();

    private SqliteJourneyStore Open(string path) => new(Options.Create(new SqliteOptions { Path = path }), _clock);

    private static long Count(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_step_writes_one_journal_row_and_one_facts_row_per_journey_it_touched()
    {
        var path = _folder.File("one-row.db");
        await using var store = Open(path);
        List<Effect> effects = [];
        foreach (var journey in new[] { "j", "k" })
        {
            for (var n = 0; n < 3; n++)
            {
                var id = $"{journey}-0123456789abcdef/h{n}";
                effects.Add(new RecordHistory(id, "c1", new HistoryEntry(id, $"{journey}-0123456789abcdef", journey, At, n == 0 ? HistoryKind.Entered : HistoryKind.Action, n == 0 ? null : $"s{n}", $"entry {n}")));
            }
        }

        var document = await store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        await store.CompleteEffectsAsync(document, effects, [], At);

        Count(path, "SELECT COUNT(*) FROM journal").Should().Be(1, "the first commit wrote no history");
        Count(path, JournalEntries.CountSql).Should().Be(6);
        Count(path, "SELECT COUNT(*) FROM step_facts").Should().Be(2);
        Count(path, "SELECT COUNT(*) FROM journal_instances").Should().Be(2);
        (await store.ReadJourneyFactsAsync("k")).Select(f => (f.Kind, f.Step)).Should().BeEquivalentTo(
            [(JourneyFactKind.Entered, (string?)null), (JourneyFactKind.Reached, "s1"), (JourneyFactKind.Reached, "s2")]);
    }

    [Fact]
    public async Task A_long_step_row_is_compressed_and_reads_back_the_same_entries()
    {
        var path = _folder.File("long.db");
        await using var store = Open(path);
        var entries = Enumerable.Range(0, 30)
            .Select(n => new HistoryEntry($"j-0123456789abcdef/h{n}", "j-0123456789abcdef", "j", At.AddMinutes(n), HistoryKind.Waiting, "wait-1d", $"until 2026-12-08T01:{n:00}:00Z"))
            .ToList();
        await store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0) { Write = StepWrite.Empty with { History = [.. entries.Select(e => new HistoryRow("c1", e))], At = At } });

        Count(path, "SELECT unicode(CAST(substr(entries, 1, 1) AS TEXT)) FROM journal").Should().Be(3, "a long row is compressed after the journal primer");
        Count(path, "SELECT LENGTH(entries) FROM journal").Should().BeLessThan(entries.Sum(e => e.Detail.Length) / 2);
        Count(path, JournalEntries.CountSql).Should().Be(30, "the entry count stays readable");
        (await store.ReadCustomerHistoryAsync("c1", 0, 100)).Entries.Should().Equal(entries);
    }

    [Fact]
    public async Task A_file_with_a_row_per_entry_and_per_fact_is_converted_when_it_opens_and_reads_the_same()
    {
        var path = _folder.File("old.db");
        const string c1i = "j-aaaaaaaaaaaaaaaa", c2i = "j-bbbbbbbbbbbbbbbb";
        HistoryEntry[] c1 =
        [
            new($"{c1i}/h0", c1i, "j", At, HistoryKind.Entered, null, "entered on e1 (v1)"),
            new($"{c1i}/h1", c1i, "j", At.AddTicks(1234567), HistoryKind.Sent, "send", "sms welcome [zh-CN]: 你好"),
            new($"{c1i}/not-entered", "k-cccccccccccccccc", "k", At.AddDays(1), HistoryKind.NotEntered, null, "not entered: condition false"),
            new($"{c1i}/h2", c1i, "j", At.AddDays(2), HistoryKind.Waiting, "wait", "waiting 3d"),
        ];
        var c2 = new HistoryEntry($"{c2i}/h0", c2i, "j", At.AddHours(1), HistoryKind.Entered, null, "entered on e2 (v1)");
        JourneyFact[] facts =
        [
            new($"{c1i}/h0", c1i, "j", JourneyFactKind.Entered, At, Version: "v1"),
            new(JourneyFacts.ReachedId(c1i, "send"), c1i, "j", JourneyFactKind.Reached, At, Step: "send"),
            new($"{c1i}/h1", c1i, "j", JourneyFactKind.Sent, At, Channel: "sms"),
            new($"{c2i}/h0", c2i, "j", JourneyFactKind.Entered, At.AddHours(1), Version: "v1"),
            new("erased/00ff", "erased-0123", "j", JourneyFactKind.Ended, At, Variant: "a", Amount: 12.5m, Outcome: InstanceOutcome.Converted),
        ];
        WriteOldLayout(path, [("c1", c1[0]), ("c2", c2), ("c1", c1[1]), ("c1", c1[2]), ("c1", c1[3])], facts);

        await using (var store = Open(path))
        {
            var first = await store.ReadCustomerHistoryAsync("c1", 0, 2);
            first.Entries.Should().Equal(c1[0], c1[1]);
            var rest = await store.ReadCustomerHistoryAsync("c1", first.Next!.Value, 10);
            rest.Entries.Should().Equal(c1[2], c1[3]);
            rest.Next.Should().BeNull();
            (await store.ReadInstanceHistoryAsync(c1i, 0, 10)).Entries.Should().Equal(c1[0], c1[1], c1[3]);
            (await store.ReadInstanceHistoryAsync(c2i, 0, 10)).Entries.Should().Equal(c2);
            (await store.FindInstanceCustomerAsync(c1i)).Should().Be("c1");
            (await store.FindInstanceCustomerAsync("k-cccccccccccccccc")).Should().Be("c1");
            (await store.FindInstanceCustomerAsync(c2i)).Should().Be("c2");
            (await store.ReadJourneyFactsAsync("j")).Should().BeEquivalentTo(facts);

            // A step after the conversion continues the customer's history after the converted entries.
            var next = new HistoryEntry($"{c1i}/h3", c1i, "j", At.AddDays(5), HistoryKind.Waited, "wait", "waited 3d");
            await store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0) { Write = StepWrite.Empty with { History = [new HistoryRow("c1", next)], At = At } });
            (await store.ReadInstanceHistoryAsync(c1i, 0, 10)).Entries.Should().Equal(c1[0], c1[1], c1[3], next);
        }

        Count(path, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('history', 'journey_facts', 'history_customer', 'journey_facts_instance')").Should().Be(0);
        await using (var reopened = Open(path))
        {
            (await reopened.ReadCustomerHistoryAsync("c1", 0, 10)).Entries.Should().HaveCount(5);

            // The converted facts are still the customer's: erasure finds and re-keys them.
            await reopened.EraseCustomerAsync("c1");
            var left = await reopened.ReadJourneyFactsAsync("j");
            left.Should().HaveCount(5);
            left.Should().NotContain(f => f.InstanceId == c1i || f.FactId.Contains(c1i, StringComparison.Ordinal));
            left.Where(f => f.InstanceId == c2i).Should().ContainSingle();
            (await reopened.FindInstanceCustomerAsync(c1i)).Should().BeNull();
            (await reopened.ReadCustomerHistoryAsync("c1", 0, 10)).Entries.Should().BeEmpty();
        }
    }

    /// <summary>The history and journey_facts tables as the store wrote them before the journal (schema of c104330).</summary>
    private static void WriteOldLayout(string path, (string Customer, HistoryEntry Entry)[] history, JourneyFact[] facts)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE history (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, customer_id TEXT NOT NULL, instance_id TEXT NOT NULL,
                journey TEXT NOT NULL, time TEXT NOT NULL, kind TEXT NOT NULL, step TEXT, detail TEXT NOT NULL);
            CREATE INDEX history_instance ON history (instance_id, seq);
            CREATE INDEX history_customer ON history (customer_id, seq);
            CREATE TABLE journey_facts (
                id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, journey TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL,
                version TEXT, variant TEXT, channel TEXT, amount TEXT, outcome TEXT, step TEXT);
            CREATE INDEX journey_facts_journey ON journey_facts (journey);
            CREATE INDEX journey_facts_instance ON journey_facts (instance_id);
            """;
        command.ExecuteNonQuery();
        foreach (var (customer, e) in history)
        {
            Insert(connection, "INSERT INTO history (id, customer_id, instance_id, journey, time, kind, step, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                e.EntryId, customer, e.InstanceId, e.Journey, StoredTime.Text(e.Time), SqliteJourneyStore.KindName(e.Kind), e.Step, e.Detail);
        }

        foreach (var f in facts)
        {
            Insert(connection, "INSERT INTO journey_facts (id, instance_id, journey, kind, at, version, variant, channel, amount, outcome, step) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                f.FactId, f.InstanceId, f.Journey, Snake(f.Kind), StoredTime.Text(f.At), f.Version, f.Variant, f.Channel,
                f.Amount == 0m ? null : f.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture), f.Outcome is { } o ? Snake(o) : null, f.Step);
        }
    }

    private static string Snake<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static void Insert(SqliteConnection connection, string sql, params object?[] values)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++) command.Parameters.AddWithValue($"${i + 1}", values[i] ?? DBNull.Value);
        command.ExecuteNonQuery();
    }
}
