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
/// Journal rows and message bodies compressed against a dictionary of their kind: every format written
/// this session or before (<see cref="BrotliStoredValues"/>) reads back.
/// </summary>
public sealed class SqlitePrimedRowsTests : IDisposable
{
    private static readonly DateTimeOffset At = EngineHarness.Start;
    private const string Instance = "onboarding-7f51f9f1685e2310";
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(At);

    public void Dispose() => _folder.Dispose();

    private SqliteJourneyStore Open(string path) => new(Options.Create(new SqliteOptions { Path = path }), _clock);

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
    public void A_journal_row_is_zstd_against_the_journal_dictionary_with_its_entry_count_readable()
    {
        var registration = Registration();

        var row = JournalEntries.Encode(registration);

        row[0].Should().Be(3, "compressed, the count follows");
        row[1].Should().Be(3, "three entries");
        row[2].Should().Be(3, "format 3 of CompressedJson: zstd");
        var plain = PrimedRows.Journal.Decompress(row.AsSpan(2));
        row.Length.Should().BeLessThan(plain.Length / 2, "the dictionary holds the texts a registration step writes");
        JournalEntries.Decode(row).Should().Equal(registration);
        JournalEntries.Decode(JournalEntries.Encode(Batched())).Should().Equal(Batched());
    }

    [Fact]
    public void A_journal_row_the_Brotli_version_stored_reads_back_the_same_entries()
    {
        var plain = Convert.FromBase64String(BrotliStoredValues.PlainJournalRow);
        var deflated = Convert.FromBase64String(BrotliStoredValues.DeflatedJournalRow);
        var primedShort = Convert.FromBase64String(BrotliStoredValues.PrimedJournalRow);
        var primedLong = Convert.FromBase64String(BrotliStoredValues.PrimedLongJournalRow);

        (plain[0], deflated[0], primedShort[0], primedLong[0]).Should().Be(((byte)1, (byte)2, (byte)3, (byte)3));
        (primedShort[2], primedLong[2]).Should().Be(((byte)2, (byte)2), "Brotli after the primer");
        JournalEntries.Decode(plain).Should().Equal(Registration());
        JournalEntries.Decode(deflated).Should().Equal(Batched());
        JournalEntries.Decode(primedShort).Should().Equal(Registration());
        JournalEntries.Decode(primedLong).Should().Equal(Batched());
    }

    [Fact]
    public async Task A_file_with_plain_deflated_and_primed_journal_rows_reads_them_all_and_counts_their_entries()
    {
        var path = _folder.File("journal.db");
        await using var store = Open(path);
        await store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0) { Write = StepWrite.Empty with { History = [.. Registration().Select(e => new HistoryRow("c1", e))], At = At } });
        Execute(path, "INSERT INTO journal (customer_id, seq, entries) VALUES ('c2', 1, $e)", Convert.FromBase64String(BrotliStoredValues.PlainJournalRow));
        Execute(path, "INSERT INTO journal (customer_id, seq, entries) VALUES ('c3', 1, $e)", Convert.FromBase64String(BrotliStoredValues.DeflatedJournalRow));
        Execute(path, "INSERT INTO journal (customer_id, seq, entries) VALUES ('c4', 1, $e)", Convert.FromBase64String(BrotliStoredValues.PrimedLongJournalRow));

        Count(path, "SELECT unicode(CAST(substr(entries, 1, 1) AS TEXT)) FROM journal WHERE customer_id = 'c1'").Should().Be(3);
        Count(path, JournalEntries.CountSql).Should().Be(3 + 3 + 30 + 30, "the entry count stays readable in every format");
        (await store.ReadCustomerHistoryAsync("c1", 0, 100)).Entries.Should().Equal(Registration());
        (await store.ReadCustomerHistoryAsync("c2", 0, 100)).Entries.Should().Equal(Registration());
        (await store.ReadCustomerHistoryAsync("c3", 0, 100)).Entries.Should().Equal(Batched());
        (await store.ReadCustomerHistoryAsync("c4", 0, 100)).Entries.Should().Equal(Batched());
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
    public void A_message_body_in_every_format_reads_back_and_one_that_does_not_shrink_stays_text()
    {
        const string body = "客户1，欢迎加入小满生活会员！🎉";
        const string welcome = "Hi Customer 1, welcome to Xiaoman Life! 🎉 Your points, member perks and orders are all under \"Me\". Take a look at this week's new arrivals.";
        var stored = MessageBodies.Store(welcome).Should().BeOfType<byte[]>().Subject;
        stored[0].Should().Be(3);
        stored.Length.Should().BeLessThan(40, "the dictionary holds this body but for the customer's number");
        MessageBodies.Read(stored).Should().Be(welcome);
        MessageBodies.Read(Convert.FromBase64String(BrotliStoredValues.PrimedMessageBody)).Should().Be(welcome);
        MessageBodies.Read(MessageBodies.Store(body)).Should().Be(body);
        MessageBodies.Store("hi").Should().Be("hi", "two bytes do not compress");
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
