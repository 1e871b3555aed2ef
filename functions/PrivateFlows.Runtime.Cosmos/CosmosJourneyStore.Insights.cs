using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// Insights and privacy on Cosmos DB:
/// <list type="bullet">
/// <item>Journey facts live in <c>history</c> under partitions <c>facts|{journey}|{shard}</c> (8 shards per journey,
/// by a hash of the instance id), never in a customer's partition, so erasing a customer keeps them; erasure
/// re-creates the customer's facts under random ids (ids cannot be patched) and deletes the originals.</item>
/// <item>Tombstones live in <c>customers</c> under partition <c>tombstone|{SHA-256 of the id}</c>, item id
/// <c>tombstone</c>: a point read tells whether an id was erased; creating a customer checks it first.</item>
/// <item>Declared winners live in <c>journeys</c> in the journey's partition, item id <c>winner</c>.</item>
/// </list>
/// </summary>
public sealed partial class CosmosJourneyStore
{
    internal const string FactType = "fact";
    internal const string TombstoneType = "tombstone";
    internal const string WinnerType = "winner";
    private const int FactShards = 8;
    private const string TombstoneId = "tombstone";
    private const string WinnerId = "winner";

    public async Task<IReadOnlyList<CustomerProfile>> ReadProfilesAsync(string? afterCustomerId, int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT TOP @limit c.customerId, c.doc.state.profile AS profile FROM c WHERE c.type = @type AND c.customerId > @after ORDER BY c.customerId")
            .WithParameter("@limit", Math.Max(1, limit)).WithParameter("@type", CosmosKeys.Customer).WithParameter("@after", afterCustomerId ?? "");
        var rows = await QueryAcrossPartitionsAsync(_customers, "customer.query-profiles", query, cancellationToken).ConfigureAwait(false);
        return [.. rows
            .Select(r => (Id: r.GetProperty("customerId").GetString()!, Profile: r.GetProperty("profile").Deserialize<CustomerProfile>(RuntimeJson.Options)!))
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .Take(Math.Max(1, limit))
            .Select(r => r.Profile)];
    }

    public async Task<IReadOnlyList<JourneyFact>> ReadJourneyFactsAsync(string journey, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var shards = await Task.WhenAll(Enumerable.Range(0, FactShards).Select(async shard =>
        {
            var partition = FactPartition(journey, shard);
            var query = new QueryDefinition("SELECT * FROM c WHERE c.customerId = @pk AND c.type = @type").WithParameter("@pk", partition).WithParameter("@type", FactType);
            return await QueryAsync(_history, "fact.query", query, Key(partition), cancellationToken).ConfigureAwait(false);
        })).ConfigureAwait(false);
        return [.. shards.SelectMany(rows => rows).Select(r => ToFact(CosmosJson.Read<FactItem>(r)))];
    }

    public async Task<bool> IsErasedAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var (_, item, _) = await ReadAsync<TombstoneItem>(_customers, "tombstone.read", TombstoneId, Key(TombstonePartition(customerId)), cancellationToken).ConfigureAwait(false);
        return item is not null;
    }

    public async Task DropErasedInputAsync(string customerId, string? eventId, string? timerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var counters = new List<PatchOperation>();
        if (eventId is not null
            && await DeleteAsync(_history, "event.delete-late", CosmosKeys.Id(CosmosKeys.Event, eventId), Key(customerId), cancellationToken).ConfigureAwait(false) == HttpStatusCode.NoContent)
        {
            counters.Add(PatchOperation.Increment("/droppedEvents", 1));
        }

        if (timerId is not null)
        {
            await DeleteTimerAsync(timerId, null, cancellationToken).ConfigureAwait(false);
            counters.Add(PatchOperation.Increment("/droppedTimers", 1));
        }

        if (counters.Count > 0) await PatchAsync(_customers, "tombstone.patch", TombstoneId, Key(TombstonePartition(customerId)), counters, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ErasureCounters> ReadErasureCountersAsync(CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT c.droppedEvents, c.droppedTimers FROM c WHERE c.type = @type").WithParameter("@type", TombstoneType);
        var rows = await QueryAcrossPartitionsAsync(_customers, "tombstone.query", query, cancellationToken).ConfigureAwait(false);
        return new ErasureCounters(rows.Count, rows.Sum(r => Number(r, "droppedEvents")), rows.Sum(r => Number(r, "droppedTimers")));
    }

    public async Task<DeclaredWinner> DeclareWinnerAsync(DeclaredWinner winner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(winner);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var item = new WinnerItem(WinnerId, winner.Journey, winner.Variant, winner.Confidence, winner.Metric, CosmosTime.Text(winner.DeclaredAt));
        var (status, _) = await CreateAsync(_journeys, "winner.create", item, Key(winner.Journey), cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.Conflict) return winner;
        var (_, stored, _) = await ReadAsync<WinnerItem>(_journeys, "winner.read", WinnerId, Key(winner.Journey), cancellationToken).ConfigureAwait(false);
        return stored is null ? winner : ToWinner(stored);
    }

    public async Task<IReadOnlyList<DeclaredWinner>> ReadWinnersAsync(CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type").WithParameter("@type", WinnerType);
        var rows = await QueryAcrossPartitionsAsync(_journeys, "winner.query", query, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => ToWinner(CosmosJson.Read<WinnerItem>(r))).OrderBy(w => w.Journey, StringComparer.Ordinal)];
    }

    /// <summary>The journey facts of one step's effects, as idempotent creates (409 = already written), for <see cref="CompleteEffectsAsync"/>.</summary>
    private void AddFactWrites(List<Func<CancellationToken, Task>> writes, CustomerDocument document, IReadOnlyList<Effect> effects, DateTimeOffset at)
    {
        foreach (var fact in JourneyFacts.From(document, effects, at))
        {
            var item = ToItem(fact, fact.FactId, fact.InstanceId);
            writes.Add(ct => CreateAsync(_history, "fact.create", item, Key(item.CustomerId), ct));
        }
    }

    /// <summary>
    /// Erasure's first part: the tombstone (so nothing recreates the customer from here on), then the customer's journey
    /// facts re-created under random ids (found through the instance ids in the customer's history) and the originals deleted.
    /// </summary>
    private async Task TombstoneAndAnonymiseAsync(string customerId, CancellationToken cancellationToken)
    {
        var tombstone = new TombstoneItem(TombstoneId, TombstonePartition(customerId), CosmosTime.Text(Now), 0, 0);
        await CreateAsync(_customers, "tombstone.create", tombstone, Key(tombstone.CustomerId), cancellationToken).ConfigureAwait(false);

        var query = new QueryDefinition("SELECT VALUE c.instanceId FROM c WHERE c.customerId = @pk AND c.type = @type").WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.History);
        var instances = (await QueryAsync(_history, "history.query-instances", query, Key(customerId), cancellationToken).ConfigureAwait(false))
            .Select(r => r.GetString()!).Distinct(StringComparer.Ordinal).ToList();
        foreach (var instanceId in instances)
        {
            if (JourneyOfInstance(instanceId) is not { } journey) continue;
            var partition = FactPartition(journey, Shard(instanceId));
            var facts = new QueryDefinition("SELECT * FROM c WHERE c.customerId = @pk AND c.type = @type AND c.instanceId = @instance")
                .WithParameter("@pk", partition).WithParameter("@type", FactType).WithParameter("@instance", instanceId);
            var rows = await QueryAsync(_history, "fact.query-erase", facts, Key(partition), cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0) continue;
            var anonymous = $"erased-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
            foreach (var row in rows)
            {
                var original = CosmosJson.Read<FactItem>(row);
                var copy = original with { Id = CosmosKeys.Id(FactType, $"erased/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}"), InstanceId = anonymous };
                await CreateAsync(_history, "fact.create-anonymous", copy, Key(partition), cancellationToken).ConfigureAwait(false);
                await DeleteAsync(_history, "fact.delete", original.Id, Key(partition), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static FactItem ToItem(JourneyFact f, string factId, string instanceId) => new(
        CosmosKeys.Id(FactType, factId), FactPartition(f.Journey, Shard(instanceId)), instanceId, f.Journey, Name(f.Kind), CosmosTime.Text(f.At), f.Version, f.Variant, f.Channel,
        f.Amount == 0m ? null : f.Amount.ToString(CultureInfo.InvariantCulture), f.Outcome is { } o ? Name(o) : null, f.Step);

    private static JourneyFact ToFact(FactItem i) => new(
        i.Id, i.InstanceId, i.Journey, Parse<JourneyFactKind>(i.Kind), CosmosTime.Parse(i.At), i.Version, i.Variant, i.Channel,
        i.Amount is null ? 0m : decimal.Parse(i.Amount, CultureInfo.InvariantCulture), i.Outcome is null ? null : Parse<InstanceOutcome>(i.Outcome), i.Step);

    private static DeclaredWinner ToWinner(WinnerItem w) => new(w.Name, w.Variant, w.Confidence, w.Metric, CosmosTime.Parse(w.DeclaredAt));

    private static string FactPartition(string journey, int shard) => $"facts|{journey}|{shard.ToString(CultureInfo.InvariantCulture)}";

    private static int Shard(string instanceId) => (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(instanceId)), 0) % FactShards);

    /// <summary>Instance ids are <c>{journey}-{16 hex}</c>.</summary>
    private static string? JourneyOfInstance(string instanceId) => instanceId.Length > 17 && instanceId[^17] == '-' ? instanceId[..^17] : null;

    private static string TombstonePartition(string customerId) => $"tombstone|{Tombstones.Hash(customerId)}";

    private static long Number(JsonElement row, string name) => row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
}

/// <summary><c>history</c>, partition <c>facts|{journey}|{shard}</c>: one anonymous journey fact (no customer id).</summary>
internal sealed record FactItem(string Id, string CustomerId, string InstanceId, string Journey, string Kind, string At, string? Version, string? Variant, string? Channel, string? Amount, string? Outcome, string? Step = null)
{
    public string Type => CosmosJourneyStore.FactType;
}

/// <summary><c>customers</c>, partition <c>tombstone|{hash}</c>: an erased customer and the late inputs dropped for it.</summary>
internal sealed record TombstoneItem(string Id, string CustomerId, string ErasedAt, long DroppedEvents, long DroppedTimers)
{
    public string Type => CosmosJourneyStore.TombstoneType;
}

/// <summary><c>journeys</c>, partition = the journey name: the A/B winner declared for it.</summary>
internal sealed record WinnerItem(string Id, string Name, string Variant, double Confidence, string Metric, string DeclaredAt)
{
    public string Type => CosmosJourneyStore.WinnerType;
}
