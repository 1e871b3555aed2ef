using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// Insights and privacy on Cosmos DB:
/// <list type="bullet">
/// <item>Journey facts live in <c>history</c> under partitions <c>facts|{journey}|{shard}</c> (8 shards per journey,
/// by a hash of the instance id), never in a customer's partition, so erasing a customer keeps them. A step's facts
/// about one instance are one item (a step usually yields several: reached, sent, coupon …); erasure re-creates the
/// customer's fact items under random ids (ids cannot be patched) and deletes the originals.</item>
/// <item>Tombstones live in <c>customers</c> under partition <c>tombstone|{SHA-256 of the id}</c>, item id
/// <c>tombstone</c>: a point read tells whether an id was erased; creating a customer item checks it first.</item>
/// </list>
/// </summary>
public sealed partial class CosmosCustomerReadModel
{
    internal const string FactType = "fact";
    internal const string TombstoneType = "tombstone";
    private const int FactShards = 8;
    private const string TombstoneId = "tombstone";

    public async Task<IReadOnlyList<JourneyFact>> ReadJourneyFactsAsync(string journey, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var shards = await Task.WhenAll(Enumerable.Range(0, FactShards).Select(async shard =>
        {
            var partition = FactPartition(journey, shard);
            var query = new QueryDefinition("SELECT * FROM c WHERE c.customerId = @pk AND c.type = @type").WithParameter("@pk", partition).WithParameter("@type", FactType);
            return await QueryAsync(_history, "fact.query", query, Key(partition), cancellationToken).ConfigureAwait(false);
        })).ConfigureAwait(false);
        return [.. shards.SelectMany(rows => rows).SelectMany(r => ToFacts(CosmosJson.Read<FactItem>(r)))];
    }

    public async Task<bool> IsErasedAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var (_, item, _) = await ReadAsync<TombstoneItem>(_customers, "tombstone.read", TombstoneId, Key(TombstonePartition(customerId)), cancellationToken).ConfigureAwait(false);
        return item is not null;
    }

    /// <summary>The journey facts of one step, one item per instance, as idempotent creates (409 = already written).</summary>
    private void AddFactWrites(List<Func<CancellationToken, Task>> writes, IReadOnlyList<JourneyFact> facts)
    {
        foreach (var group in facts.GroupBy(f => (f.InstanceId, f.Journey)))
        {
            var list = group.ToList();
            var item = ToItem(CosmosKeys.Id(FactType, list[0].FactId), group.Key.InstanceId, group.Key.Journey, list);
            writes.Add(ct => CreateAsync(_history, "fact.create", item, Key(item.CustomerId), ct));
        }
    }

    /// <summary>
    /// Erasure's first part: the tombstone (so nothing recreates the customer from here on), then the customer's journey
    /// facts re-created under random ids (found through the instances of the customer's history and document) and the
    /// originals deleted.
    /// </summary>
    private async Task TombstoneAndAnonymiseAsync(string customerId, IEnumerable<string> documentInstances, CancellationToken cancellationToken)
    {
        var tombstone = new TombstoneItem(TombstoneId, TombstonePartition(customerId), CosmosTime.Text(_clock.GetUtcNow()));
        await CreateAsync(_customers, "tombstone.create", tombstone, Key(tombstone.CustomerId), cancellationToken).ConfigureAwait(false);

        var query = new QueryDefinition("SELECT VALUE c.instances FROM c WHERE c.customerId = @pk AND c.type = @type").WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.History);
        var instances = (await QueryAsync(_history, "history.query-instances", query, Key(customerId), cancellationToken).ConfigureAwait(false))
            .SelectMany(r => r.EnumerateArray().Select(i => i.GetString()!)).Concat(documentInstances).Distinct(StringComparer.Ordinal).ToList();
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
                var copy = original with
                {
                    Id = CosmosKeys.Id(FactType, $"erased/{RandomId()}"),
                    InstanceId = anonymous,
                    Facts = [.. original.Facts.Select(f => f with { FactId = $"erased/{RandomId()}" })],
                };
                await CreateAsync(_history, "fact.create-anonymous", copy, Key(partition), cancellationToken).ConfigureAwait(false);
                await DeleteAsync(_history, "fact.delete", original.Id, Key(partition), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string RandomId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static FactItem ToItem(string id, string instanceId, string journey, IReadOnlyList<JourneyFact> facts) => new(
        id, FactPartition(journey, Shard(instanceId)), instanceId, journey,
        [.. facts.Select(f => new FactLine(f.FactId, Name(f.Kind), CosmosTime.Text(f.At), f.Version, f.Variant, f.Channel,
            f.Amount == 0m ? null : f.Amount.ToString(CultureInfo.InvariantCulture), f.Outcome is { } o ? Name(o) : null, f.Step))]);

    private static IEnumerable<JourneyFact> ToFacts(FactItem item) => item.Facts.Select(i => new JourneyFact(
        i.FactId, item.InstanceId, item.Journey, Parse<JourneyFactKind>(i.Kind), CosmosTime.Parse(i.At), i.Version, i.Variant, i.Channel,
        i.Amount is null ? 0m : decimal.Parse(i.Amount, CultureInfo.InvariantCulture), i.Outcome is null ? null : Parse<InstanceOutcome>(i.Outcome), i.Step));

    private static string FactPartition(string journey, int shard) => $"facts|{journey}|{shard.ToString(CultureInfo.InvariantCulture)}";

    private static int Shard(string instanceId) => (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(instanceId)), 0) % FactShards);

    /// <summary>Instance ids are <c>{journey}-{16 hex}</c>.</summary>
    private static string? JourneyOfInstance(string instanceId) => instanceId.Length > 17 && instanceId[^17] == '-' ? instanceId[..^17] : null;

    private static string TombstonePartition(string customerId) => $"tombstone|{Tombstones.Hash(customerId)}";
}

/// <summary><c>history</c>, partition <c>facts|{journey}|{shard}</c>: the anonymous facts of one step about one instance (no customer id).</summary>
internal sealed record FactItem(string Id, string CustomerId, string InstanceId, string Journey, IReadOnlyList<FactLine> Facts)
{
    public string Type => CosmosCustomerReadModel.FactType;
}

/// <summary>One journey fact inside a <see cref="FactItem"/>.</summary>
internal sealed record FactLine(string FactId, string Kind, string At, string? Version, string? Variant, string? Channel, string? Amount, string? Outcome, string? Step);

/// <summary><c>customers</c>, partition <c>tombstone|{hash}</c>: an erased customer.</summary>
internal sealed record TombstoneItem(string Id, string CustomerId, string ErasedAt)
{
    public string Type => CosmosCustomerReadModel.TombstoneType;
}
