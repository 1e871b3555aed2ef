using System.Text;
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
/// Journal rows and message bodies compressed after a primer of their kind: every format written
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
        PrimedRows.MessageBodies.IsPrimed.Should().BeTrue();
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
    public async Task A_message_body_is_stored_compressed_with_its_time_as_ticks_and_rows_with_a_text_body_and_time_still_read()
    {
        var path = _folder.File("messages.db");
        await using var store = Open(path);
        var at = At.AddTicks(1234567);
        var primed = new MessageRecord("i1/1/send", "c1", "i1", "onboarding", "welcome", "app_push", "marketing", "onboarding-welcome", "en", "Welcome",
            "Hi Customer 1, welcome to Xiaoman Life! 🎉 Your points, member perks and orders are all under \"Me\". Take a look at this week's new arrivals.",
            "c1-device", "sandbox", DeliveryStatus.Sandboxed, 1, null, at);
        var old = primed with { EffectId = "i1/2/send", Body = "hi", At = at.AddMinutes(1) };
        await store.RecordMessageAsync(primed);
        Execute(path, """
            INSERT INTO messages (effect_id, customer_id, instance_id, journey, step, channel, category, template, locale, subject, body, address, via, status, attempts, detail, at)
            VALUES ('i1/2/send', 'c1', 'i1', 'onboarding', 'welcome', 'app_push', 'marketing', 'onboarding-welcome', 'en', 'Welcome', 'hi', 'c1-device', 'sandbox', 'sandboxed', 1, NULL, $e)
            """, StoredTime.Text(old.At));

        Count(path, "SELECT COUNT(*) FROM messages WHERE typeof(body) = 'blob' AND typeof(at) = 'blob' AND LENGTH(at) = 8").Should().Be(1);
        Count(path, "SELECT LENGTH(body) FROM messages WHERE effect_id = 'i1/1/send'").Should().BeLessThan(Encoding.UTF8.GetByteCount(primed.Body) / 2);
        (await store.ReadMessagesAsync("c1", 10)).Should().Equal(primed, old);
        (await store.ReadMessageAsync("i1/1/send")).Should().Be(primed);
    }

    [Fact]
    public void A_message_body_without_the_primer_stays_text()
    {
        const string body = "客户1，欢迎加入小满生活会员！🎉";
        MessageBodies.Store(body, ChangedEncoder()).Should().Be(body);
        MessageBodies.Read(MessageBodies.Store(body)).Should().Be(body);
        MessageBodies.Read(body).Should().Be(body);
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
