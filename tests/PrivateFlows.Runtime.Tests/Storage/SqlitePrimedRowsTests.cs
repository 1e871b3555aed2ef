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
/// Journal rows, journey facts rows and message bodies compressed after a primer of their kind: every format written
/// this session or before reads back, and a runtime whose encoder no longer reproduces a primer writes rows that read.
/// </summary>
public sealed class SqlitePrimedRowsTests : IDisposable
{
    private static readonly DateTimeOffset At = EngineHarness.Start;
    private const string Instance = "onboarding-7f51f9f1685e2310";
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(At);

    public void Dispose() => _folder.Dispose();

    private SqliteJourneyStore Open(string path) => new(Options.Create(new SqliteOptions { Path = path }), _clock);

    /// <summary>A kind whose embedded compressed primer this runtime does not reproduce, as after an encoder change.</summary>
    private static CompressedJson ChangedEncoder()
    {
        var primer = "a primer"u8.ToArray();
        return new CompressedJson(primer, [.. CompressedJson.PrimerStream(primer), 0]);
    }

    /// <summary>A waiting onboarding customer's registration step, as the built-in journey writes it.</summary>
    private static List<HistoryEntry> Registration() =>
    [
        new($"{Instance}/h0", Instance, "onboarding", At, HistoryKind.Entered, null, "entered on customer.registered (c1-reg), version 1 (5d0e1de150bb3012)"),
        new($"{Instance}/h1", Instance, "onboarding", At, HistoryKind.Action, "welcome", "app_push onboarding-welcome [en]: Hi Customer 1, welcome to Xiaoman Life! 🎉"),
        new($"{Instance}/h2", Instance, "onboarding", At, HistoryKind.Waiting, "wait-1d", "until 2026-12-08T02:37:44Z"),
    ];

    private static List<HistoryEntry> Batched() =>
    [
        .. Enumerable.Range(0, 30).Select(n => new HistoryEntry($"{Instance}/h{n}", Instance, "onboarding", At.AddMinutes(n), HistoryKind.Waiting, "wait-1d", $"until 2026-12-08T01:{n:00}:00Z")),
    ];

    [Fact]
    public void The_embedded_row_primers_are_what_this_runtime_compresses_them_to()
    {
        // Else rows are written as before (plain, deflated, TEXT): about twice the bytes. Refresh Primers/*.br only with new primer names.
        PrimedRows.Journal.IsPrimed.Should().BeTrue();
        PrimedRows.Facts.IsPrimed.Should().BeTrue();
    }

    [Fact]
    public void A_journal_row_in_every_format_reads_back_the_same_entries()
    {
        var registration = Registration();
        var batched = Batched();
        var plain = JournalEntries.Encode(registration, ChangedEncoder());
        var deflated = JournalEntries.Encode(batched, ChangedEncoder());
        var primedShort = JournalEntries.Encode(registration);
        var primedLong = JournalEntries.Encode(batched);

        plain[0].Should().Be(1, "a short row without the primer stays plain");
        deflated[0].Should().Be(2, "a long row without the primer is deflated");
        primedShort[0].Should().Be(3);
        primedLong[0].Should().Be(3);
        primedShort.Length.Should().BeLessThan(plain.Length / 2, "the primer holds the texts a registration step writes");
        primedLong.Length.Should().BeLessThan(deflated.Length);
        JournalEntries.Decode(plain).Should().Equal(registration);
        JournalEntries.Decode(deflated).Should().Equal(batched);
        JournalEntries.Decode(primedShort).Should().Equal(registration);
        JournalEntries.Decode(primedLong).Should().Equal(batched);
    }

    [Fact]
    public async Task A_file_with_plain_deflated_and_primed_journal_rows_reads_them_all_and_counts_their_entries()
    {
        var path = _folder.File("journal.db");
        await using var store = Open(path);
        await store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0) { Write = StepWrite.Empty with { History = [.. Registration().Select(e => new HistoryRow("c1", e))], At = At } });
        Execute(path, "INSERT INTO journal (customer_id, seq, entries) VALUES ('c2', 1, $e)", JournalEntries.Encode(Registration(), ChangedEncoder()));
        Execute(path, "INSERT INTO journal (customer_id, seq, entries) VALUES ('c3', 1, $e)", JournalEntries.Encode(Batched(), ChangedEncoder()));

        Count(path, "SELECT unicode(CAST(substr(entries, 1, 1) AS TEXT)) FROM journal WHERE customer_id = 'c1'").Should().Be(3);
        Count(path, JournalEntries.CountSql).Should().Be(3 + 3 + 30, "the entry count stays readable in every format");
        (await store.ReadCustomerHistoryAsync("c1", 0, 100)).Entries.Should().Equal(Registration());
        (await store.ReadCustomerHistoryAsync("c2", 0, 100)).Entries.Should().Equal(Registration());
        (await store.ReadCustomerHistoryAsync("c3", 0, 100)).Entries.Should().Equal(Batched());
    }

    [Fact]
    public void A_facts_row_primed_or_plain_reads_back_the_same_facts()
    {
        JourneyFact[] facts =
        [
            new($"{Instance}/h0", Instance, "onboarding", JourneyFactKind.Entered, At, Version: "5d0e1de150bb3012"),
            new(JourneyFacts.ReachedId(Instance, "welcome"), Instance, "onboarding", JourneyFactKind.Reached, At, Step: "welcome"),
            new($"{Instance}/h1", Instance, "onboarding", JourneyFactKind.Sent, At, Channel: "app_push", Step: "welcome"),
            new(JourneyFacts.ReachedId(Instance, "wait-1d"), Instance, "onboarding", JourneyFactKind.Reached, At, Step: "wait-1d"),
        ];
        var plain = StepFacts.Encode(facts, ChangedEncoder());
        var primed = StepFacts.Encode(facts);

        plain[0].Should().Be(1);
        primed[0].Should().Be(2);
        primed.Length.Should().BeLessThan(plain.Length);
        StepFacts.Decode("onboarding", plain).Should().Equal(facts);
        StepFacts.Decode("onboarding", primed).Should().Equal(facts);
    }

    private static void Execute(string path, string sql, object value)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$e", value);
        command.ExecuteNonQuery();
    }

    private static long Count(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
