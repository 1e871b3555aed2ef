using System.Globalization;
using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    private const string InsertTombstone = """
        INSERT INTO tombstones (id_hash, erased_at) VALUES ($hash, $at)
        ON CONFLICT (id_hash) DO NOTHING
        """;

    public Task<IReadOnlyList<CustomerProfile>> ReadProfilesAsync(string? afterCustomerId, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CustomerProfile>>(Read(c => Query(c,
            "SELECT document FROM customers WHERE id > $after ORDER BY id LIMIT $limit",
            r => CompressedJson.Documents.ReadPrefix<CustomerProfile, System.Text.Json.JsonSerializerOptions>(StoredBytes(r, 0, "customer document"), RuntimeJson.Options, CustomerProfiles.TryRead), ("$after", afterCustomerId ?? ""), ("$limit", Math.Max(1, limit)))));

    public Task<IReadOnlyList<JourneyFact>> ReadJourneyFactsAsync(string journey, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<JourneyFact>>(Read(c =>
        {
            // One fact per id, the first written standing: an instance back at a step it reached before writes its
            // "reached" fact again in a later step's row.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var facts = new List<JourneyFact>();
            foreach (var row in Query(c, "SELECT facts FROM step_facts WHERE journey = $journey ORDER BY seq", r => (byte[])r.GetValue(0), ("$journey", journey)))
            {
                foreach (var fact in StepFacts.Decode(journey, row))
                {
                    if (seen.Add(fact.FactId)) facts.Add(fact);
                }
            }

            return facts;
        }));

    public Task<bool> IsErasedAsync(string customerId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c => Scalar(c, "SELECT 1 FROM tombstones WHERE id_hash = $hash", ("$hash", Tombstones.Hash(customerId))) is not null));

    public Task DropErasedInputAsync(string customerId, string? eventId, string? timerId, CancellationToken cancellationToken = default)
    {
        var hash = Tombstones.Hash(customerId);
        return _writer.WriteAsync(scope =>
        {
            if (eventId is not null) scope.Execute(ConsumeEvent, ("$id", eventId)); // before the row it finds the seq in
            if (eventId is not null && scope.Execute("DELETE FROM events WHERE id = $id", ("$id", eventId)) > 0)
            {
                scope.Execute("UPDATE tombstones SET dropped_events = dropped_events + 1 WHERE id_hash = $hash", ("$hash", hash));
            }

            if (timerId is not null)
            {
                scope.Execute(DeleteTimer, ("$customer", customerId), ("$id", timerId));
                scope.Execute("UPDATE tombstones SET dropped_timers = dropped_timers + 1 WHERE id_hash = $hash", ("$hash", hash));
            }
        }, cancellationToken);
    }

    public Task<ErasureCounters> ReadErasureCountersAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c => Query(c, "SELECT COUNT(*), COALESCE(SUM(dropped_events), 0), COALESCE(SUM(dropped_timers), 0) FROM tombstones",
            r => new ErasureCounters(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2))).Single()));

    public Task<DeclaredWinner> DeclareWinnerAsync(DeclaredWinner winner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(winner);
        return _writer.WriteAsync(scope =>
        {
            scope.Execute("INSERT INTO winners (journey, variant, confidence, metric, declared_at) VALUES ($journey, $variant, $confidence, $metric, $at) ON CONFLICT (journey) DO NOTHING",
                ("$journey", winner.Journey), ("$variant", winner.Variant), ("$confidence", winner.Confidence), ("$metric", winner.Metric), ("$at", StoredTime.Text(winner.DeclaredAt)));
            using var reader = scope.Command("SELECT journey, variant, confidence, metric, declared_at FROM winners WHERE journey = $journey", ("$journey", winner.Journey)).ExecuteReader();
            reader.Read();
            return MapWinner(reader);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DeclaredWinner>> ReadWinnersAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DeclaredWinner>>(Read(c => Query(c, "SELECT journey, variant, confidence, metric, declared_at FROM winners ORDER BY journey", MapWinner)));

    /// <summary>
    /// Erasure's part for statistics: the facts rows the customer's steps wrote (named by their journal rows) get
    /// random instance and fact ids (one new id per instance, so they still group; a fact id already seen is dropped,
    /// as reading would hide it), and the tombstone is written. Returns the customer's instance ids.
    /// </summary>
    private static HashSet<string> AnonymiseAndTombstone(WriteScope scope, string customerId, string at)
    {
        var instances = new HashSet<string>(StringComparer.Ordinal);
        var factRows = new List<(string Journey, long Seq)>();
        using (var reader = scope.Command("SELECT entries, fact_seq, fact_journeys FROM journal WHERE customer_id = $id ORDER BY seq", ("$id", customerId)).ExecuteReader())
        {
            while (reader.Read())
            {
                foreach (var entry in JournalEntries.Decode((byte[])reader.GetValue(0))) instances.Add(entry.InstanceId);
                if (reader.IsDBNull(1)) continue;
                foreach (var journey in reader.GetString(2).Split('\n')) factRows.Add((journey, reader.GetInt64(1)));
            }
        }

        var anonymous = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (journey, seq) in factRows)
        {
            if (scope.Scalar("SELECT facts FROM step_facts WHERE journey = $journey AND seq = $seq", ("$journey", journey), ("$seq", seq)) is not byte[] column) continue;
            var facts = new List<JourneyFact>();
            foreach (var fact in StepFacts.Decode(journey, column))
            {
                if (!seen.Add(fact.FactId)) continue;
                if (!anonymous.TryGetValue(fact.InstanceId, out var instance)) anonymous[fact.InstanceId] = instance = $"erased-{RandomHex(12)}";
                facts.Add(fact with { InstanceId = instance, FactId = $"erased/{RandomHex(16)}" });
            }

            scope.Execute("UPDATE step_facts SET facts = $facts WHERE journey = $journey AND seq = $seq", ("$facts", StepFacts.Encode(facts)), ("$journey", journey), ("$seq", seq));
        }

        scope.Execute(InsertTombstone, ("$hash", Tombstones.Hash(customerId)), ("$at", at));
        return instances;
    }

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes));

    /// <summary>The highest step_facts seq in the file (one index probe per journey), where new facts rows continue.</summary>
    private static long LastFactSeq(SqliteConnection connection) => Scalar(connection, """
        WITH RECURSIVE journeys(name) AS (
            SELECT MIN(journey) FROM step_facts
            UNION ALL SELECT (SELECT MIN(journey) FROM step_facts WHERE journey > journeys.name) FROM journeys WHERE journeys.name IS NOT NULL)
        SELECT COALESCE(MAX((SELECT MAX(seq) FROM step_facts WHERE journey = journeys.name)), 0) FROM journeys WHERE name IS NOT NULL
        """) is long last ? last : 0;

    private static DeclaredWinner MapWinner(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetDouble(2), r.GetString(3), StoredTime.Parse(r.GetString(4)));
}
