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
        Task.FromResult<IReadOnlyList<JourneyFact>>(Read(c => Query(c,
            "SELECT id, instance_id, journey, kind, at, version, variant, channel, amount, outcome, step FROM journey_facts WHERE journey = $journey",
            MapFact, ("$journey", journey))));

    public Task<bool> IsErasedAsync(string customerId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c => Scalar(c, "SELECT 1 FROM tombstones WHERE id_hash = $hash", ("$hash", Tombstones.Hash(customerId))) is not null));

    public Task DropErasedInputAsync(string customerId, string? eventId, string? timerId, CancellationToken cancellationToken = default)
    {
        var hash = Tombstones.Hash(customerId);
        return _writer.WriteAsync(scope =>
        {
            if (eventId is not null && scope.Execute("DELETE FROM events WHERE id = $id", ("$id", eventId)) > 0)
            {
                scope.Execute("UPDATE tombstones SET dropped_events = dropped_events + 1 WHERE id_hash = $hash", ("$hash", hash));
            }

            if (timerId is not null)
            {
                scope.Execute("DELETE FROM timers WHERE id = $id", ("$id", timerId));
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
    /// Erasure's part for statistics: the customer's facts get random instance and fact ids (one new id per instance,
    /// so they still group), and the tombstone is written.
    /// </summary>
    private static void AnonymiseAndTombstone(WriteScope scope, string customerId, string at)
    {
        var instances = new List<string>();
        using (var reader = scope.Command("SELECT DISTINCT instance_id FROM history WHERE customer_id = $id", ("$id", customerId)).ExecuteReader())
        {
            while (reader.Read()) instances.Add(reader.GetString(0));
        }

        foreach (var instance in instances)
        {
            var anonymous = $"erased-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12))}";
            scope.Execute("UPDATE journey_facts SET instance_id = $anonymous, id = 'erased/' || lower(hex(randomblob(16))) WHERE instance_id = $instance",
                ("$anonymous", anonymous), ("$instance", instance));
        }

        scope.Execute(InsertTombstone, ("$hash", Tombstones.Hash(customerId)), ("$at", at));
    }

    private static JourneyFact MapFact(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), Parse<JourneyFactKind>(r.GetString(3)), StoredTime.Parse(r.GetString(4)),
        Text(r, 5), Text(r, 6), Text(r, 7), r.IsDBNull(8) ? 0m : decimal.Parse(r.GetString(8), CultureInfo.InvariantCulture),
        r.IsDBNull(9) ? null : Parse<InstanceOutcome>(r.GetString(9)), Text(r, 10));

    private static DeclaredWinner MapWinner(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetDouble(2), r.GetString(3), StoredTime.Parse(r.GetString(4)));
}
