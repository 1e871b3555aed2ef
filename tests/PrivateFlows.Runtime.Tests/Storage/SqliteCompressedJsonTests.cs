using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>
/// The SQLite store keeps customer documents and inbox event bodies as compressed JSON (no overflow page per
/// document) and inbox times as ticks, and converts once, at open, what an earlier version wrote as text.
/// </summary>
public sealed class SqliteCompressedJsonTests : IDisposable
{
    private static readonly DateTimeOffset At = EngineHarness.Start;
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(At);

    public void Dispose() => _folder.Dispose();

    private SqliteJourneyStore Open(string path) => new(Options.Create(new SqliteOptions { Path = path }), _clock);

    [Fact]
    public async Task CommitStepAsync_Document_IsStoredCompressedAndReadsBackTheSame()
    {
        var path = _folder.File("store.db");
        await using var store = Open(path);
        var document = Customer("c1", tags: 40);

        await store.CommitStepAsync(new StepCommit(document, 0));

        var (type, bytes) = Column(path, "SELECT typeof(document), length(document) FROM customers WHERE id = 'c1'");
        type.Should().Be("blob");
        bytes.Should().BeLessThan(Encoding.UTF8.GetByteCount(RuntimeJson.Serialize(document)) / 3, "forty similar tags compress well");
        var read = await store.ReadCustomerAsync("c1");
        RuntimeJson.Serialize(read).Should().Be(RuntimeJson.Serialize(document));
        read!.Version.Should().Be(1);
    }

    [Fact]
    public async Task AcceptEventsAsync_Body_KeepsOnlySourceAndDataCompressed()
    {
        var path = _folder.File("store.db");
        await using var store = Open(path);
        var e = new CustomerEvent("e1", "order.completed", "c1", At.AddTicks(1234567), new JsonObject { ["orderId"] = "SO-1", ["lines"] = new JsonArray(new JsonObject { ["sku"] = "茶-1", ["qty"] = 2 }) }, "shop");

        await store.AcceptEventsAsync([e], At);

        Column(path, "SELECT typeof(body), 0 FROM events").Type.Should().Be("blob");
        (await store.ReadPendingEventsAsync()).Should().ContainSingle().Which.Should().BeEquivalentTo(new { e.Id, e.Type, e.Subject, e.Time, e.Source });
        var read = (await store.ReadEventsAsync("c1", 0, 10)).Should().ContainSingle().Subject.Event;
        read.Data.ToJsonString().Should().Be(e.Data.ToJsonString());
        read.Time.Should().Be(e.Time);
        read.Time.Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public async Task ReadProfilesAsync_ProfileLongerThanTheFirstDecompressedPrefix_ReadsIt()
    {
        await using var store = Open(_folder.File("store.db"));
        // Random-looking tags do not compress: the profile alone then spans several decompression steps.
        var big = Customer("big", tags: 2_000, random: true);
        await store.CommitStepAsync(new StepCommit(big, 0));
        await store.CommitStepAsync(new StepCommit(Customer("small", tags: 1), 0));

        var profiles = await store.ReadProfilesAsync(null, 10);

        profiles.Select(p => (p.CustomerId, p.Tags.Count)).Should().Equal(("big", 2_000), ("small", 1));
        RuntimeJson.Serialize(profiles[0]).Should().Be(RuntimeJson.Serialize(big.State.Profile));
    }

    [Fact]
    public async Task Opening_a_file_with_the_text_layout_converts_documents_and_the_inbox_once()
    {
        var path = _folder.File("old.db");
        var document = Customer("c1", tags: 3);
        var pending = Events.Order("c1", At, "e-pending", 80m);
        var done = Events.Order("c1", At, "e-done", 120m);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // The two tables as the store created them before compression, holding JSON text.
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE customers (id TEXT PRIMARY KEY, version INTEGER NOT NULL, pending INTEGER NOT NULL DEFAULT 0, document TEXT NOT NULL, updated_at TEXT NOT NULL);
                CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, customer_id TEXT NOT NULL, type TEXT NOT NULL, time TEXT NOT NULL,
                    received_at TEXT NOT NULL, status TEXT NOT NULL, body TEXT NOT NULL);
                CREATE INDEX events_customer ON events (customer_id, seq);
                INSERT INTO customers VALUES ('c1', 4, 0, $document, '2026-01-01T00:00:00.0000000Z');
                INSERT INTO events (id, customer_id, type, time, received_at, status, body) VALUES
                    ('e-dropped', 'c1', 'order.completed', '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z', 'done', ''),
                    ('e-done', 'c1', 'order.completed', $time, $time, 'done', $done),
                    ('e-pending', 'c1', 'order.completed', $time, $time, 'pending', $pending);
                UPDATE sqlite_sequence SET seq = 7 WHERE name = 'events'; -- later events were erased: their seqs are not given again
                """;
            command.Parameters.AddWithValue("$document", RuntimeJson.Serialize(document));
            command.Parameters.AddWithValue("$time", At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$done", CloudEventReader.Write(done).ToJsonString());
            command.Parameters.AddWithValue("$pending", CloudEventReader.Write(pending).ToJsonString());
            command.ExecuteNonQuery();
        }

        await using (var store = Open(path))
        {
            var read = await store.ReadCustomerAsync("c1");
            RuntimeJson.Serialize(read).Should().Be(RuntimeJson.Serialize(document));
            read!.Version.Should().Be(4);
            (await store.ReadProfilesAsync(null, 10)).Should().ContainSingle().Which.Tags.Should().HaveCount(3);
            (await store.ReadPendingEventsAsync()).Should().ContainSingle().Which.DataDecimal("amount").Should().Be(80m);
            var timeline = await store.ReadEventsAsync("c1", 0, 10);
            timeline.Select(t => (t.Seq, t.Event.Id, t.BodyDropped, t.Event.DataDecimal("amount"), t.Event.Source))
                .Should().Equal((1, "e-dropped", true, null, "privateflows"), (2, "e-done", false, 120m, "test"), (3, "e-pending", false, 80m, "test"));
            timeline[0].Event.Time.Should().Be(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
            timeline.Skip(1).Should().OnlyContain(t => t.Event.Time == At && t.ReceivedAt == At);
            await store.CommitStepAsync(new StepCommit(read, 4, "e-pending"));
            await store.AcceptEventsAsync([Events.Order("c1", At, "e-new")], At);
            (await store.ReadEventsAsync("c1", 3, 10)).Should().ContainSingle().Which.Seq.Should().Be(8);
        }

        Column(path, "SELECT group_concat(DISTINCT typeof(document)), 0 FROM customers").Type.Should().Be("blob");
        Column(path, "SELECT group_concat(DISTINCT typeof(body)), 0 FROM events").Type.Should().Be("blob");
        Column(path, "SELECT group_concat(DISTINCT typeof(time) || typeof(received_at)), 0 FROM events").Type.Should().Be("integerinteger");
        Column(path, "SELECT 'updated_at', COUNT(*) FROM pragma_table_info('customers') WHERE name = 'updated_at'").Bytes.Should().Be(0, "nothing read it");
        Column(path, "SELECT 'v', user_version FROM pragma_user_version").Bytes.Should().Be(SqliteSchema.TimelineVersion);
        await using var reopened = Open(path);
        (await reopened.ReadCustomerAsync("c1"))!.Version.Should().Be(5);
        (await reopened.ReadEventStatusAsync("e-pending")).Should().Be(EventStatus.Done);
    }

    [Fact]
    public void A_document_is_zstd_against_the_document_dictionary_and_reads_back_whole_or_as_a_prefix()
    {
        var json = OldDocumentJson();
        var withoutDictionary = new CompressedJson([], []);

        var stored = CompressedJson.Documents.Compress(json);

        stored[0].Should().Be(3, "format 3: zstd against the kind's dictionary");
        stored.Length.Should().BeLessThan(withoutDictionary.Compress(json).Length / 2, "a waiting customer repeats most of the sample document");
        CompressedJson.Documents.Decompress(stored).Should().Equal(json);
        ReadFirst(CompressedJson.Documents, stored, 100).Should().Equal(json[..100]);
        FluentActions.Invoking(() => withoutDictionary.Decompress(stored)).Should().Throw<InvalidDataException>("the dictionary is part of the format");
        var corrupt = (byte[])stored.Clone();
        corrupt[^3] ^= 0x5a;
        FluentActions.Invoking(() => CompressedJson.Documents.Decompress(corrupt)).Should().Throw<Exception>();
    }

    [Fact]
    public void An_event_body_is_zstd_against_the_examples_event_bodies()
    {
        var body = Encoding.UTF8.GetBytes("""
            {"source":"shop","data":{"name":"王芳","email":"wangfang@example.com","phone":"+8613900020002","locale":"zh-CN","timeZone":"Asia/Shanghai","channels":{"sms":{"granted":true,"source":"signup","at":"2026-03-03T09:15:00+08:00"},"app_push":{"granted":false,"source":"app-prompt","at":"2026-03-03T09:16:30+08:00"}}}}
            """.Trim());

        var stored = CompressedJson.EventBodies.Compress(body);

        stored[0].Should().Be(3);
        stored.Length.Should().BeLessThan(new CompressedJson([], []).Compress(body).Length * 2 / 3, "the examples' registrations hold the names and vocabulary");
        CompressedJson.EventBodies.Decompress(stored).Should().Equal(body);
    }

    [Fact]
    public void Values_the_Brotli_version_stored_read_the_same_whole_and_as_a_prefix()
    {
        var document = Convert.FromBase64String(BrotliStoredValues.PrimedDocument);
        var body = Convert.FromBase64String(BrotliStoredValues.PlainEventBody);

        document[0].Should().Be(2);
        body[0].Should().Be(1);
        CompressedJson.Documents.Decompress(document).Should().Equal(OldDocumentJson());
        ReadFirst(CompressedJson.Documents, document, 100).Should().Equal(OldDocumentJson()[..100]);
        Encoding.UTF8.GetString(CompressedJson.EventBodies.Decompress(body)).Should().Be("""{"source":"shop","data":{"orderId":"SO-1","lines":[{"sku":"茶-1","qty":2}]}}""");
    }

    [Fact]
    public void ReadPrefix_of_a_long_value_decompresses_only_the_start_and_the_next_read_on_the_thread_starts_afresh()
    {
        var big = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i * 7919 % 10007:D5},")));
        var small = OldDocumentJson();
        var storedBig = CompressedJson.Documents.Compress(big);
        var storedSmall = CompressedJson.Documents.Compress(small);
        var seen = 0;

        var read = CompressedJson.Documents.ReadPrefix(storedBig, 0, (ReadOnlySpan<byte> prefix, bool complete, int _, out byte[] value) =>
        {
            seen = prefix.Length;
            value = prefix[..10].ToArray();
            return true;
        });

        read.Should().Equal(big[..10]);
        seen.Should().BeLessThan(big.Length / 10, "the first step decompresses 4 KB of 120 KB");
        ReadFirst(CompressedJson.Documents, storedSmall, small.Length).Should().Equal(small, "a read stopped in the middle of a frame leaves nothing behind");
        var tenKilobytes = CompressedJson.Documents.Compress(big[..10_000]);
        CompressedJson.Documents.ReadPrefix(tenKilobytes, 0, (ReadOnlySpan<byte> prefix, bool complete, int _, out int length) => (length = prefix.Length) > 0)
            .Should().Be(10_000, "a value up to 16 KiB is decompressed whole at once, cheaper than streaming 4 KB first");
        CompressedJson.Documents.Decompress(storedBig).Should().Equal(big);
    }

    [Fact]
    public async Task Values_compressed_on_many_threads_at_once_read_back_on_any_thread()
    {
        var values = Enumerable.Range(0, 400).Select(i => Encoding.UTF8.GetBytes(RuntimeJson.Serialize(Customer($"c{i}", tags: i % 7)))).ToArray();

        var stored = await Task.WhenAll(values.Select(v => Task.Run(() => CompressedJson.Documents.Compress(v))));
        var read = await Task.WhenAll(stored.Reverse().Select(s => Task.Run(() => CompressedJson.Documents.Decompress(s))));

        read.Reverse().Should().BeEquivalentTo(values, o => o.WithStrictOrdering());
    }

    /// <summary>The document that <see cref="BrotliStoredValues.PrimedDocument"/> holds.</summary>
    private static byte[] OldDocumentJson() =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(CompressedJson.Resource("document.json")).Replace("0000001", "0000042", StringComparison.Ordinal).Replace("9CE431C7", "0A1B2C3D", StringComparison.Ordinal));

    /// <summary>The first <paramref name="count"/> bytes, read through <see cref="CompressedJson.ReadPrefix{T, TState}"/>.</summary>
    private static byte[] ReadFirst(CompressedJson kind, byte[] stored, int count) =>
        kind.ReadPrefix(stored, count, (ReadOnlySpan<byte> prefix, bool complete, int count, out byte[] value) =>
        {
            value = prefix.Length >= count ? prefix[..count].ToArray() : [];
            return prefix.Length >= count;
        });

    private static CustomerDocument Customer(string id, int tags, bool random = false)
    {
        var document = CustomerDocument.New(id);
        var names = Enumerable.Range(0, tags).Select(i => random ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))) : $"interest:tea-{i:D4}");
        return document with { State = document.State with { Profile = document.State.Profile with { Name = "林晓", Tags = [.. names] } } };
    }

    private static (string Type, long Bytes) Column(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        reader.Read().Should().BeTrue();
        return (reader.GetString(0), reader.GetInt64(1));
    }
}
