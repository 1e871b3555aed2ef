using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// Insights and privacy on Cosmos DB:
/// <list type="bullet">
/// <item>Journey facts are written inside the step item of the step they come from (no write of their own), with
/// the step's journeys indexed; a journey's facts are read across partitions by <c>ARRAY_CONTAINS(c.journeys, …)</c>
/// — an insights read (the refresher, a few times an hour), not a per-event one.</item>
/// <item>Erasure keeps them: the erased customer's facts are re-created under random instance and fact ids in
/// partitions <c>facts|{journey}|{shard}</c> (8 shards per journey, no customer id) before the step items go, and
/// read from there with single-partition queries.</item>
/// <item>Tombstones live in <c>customers</c> under partition <c>tombstone|{SHA-256 of the id}</c>, item id
/// <c>tombstone</c>: a point read tells whether an id was erased; creating a customer item checks it first.</item>
/// </list>
/// </summary>
public sealed partial class CosmosCustomerReadModel
{
    private const int FactShards = 8;
    private const string TombstoneId = "tombstone";

    public async Task<IReadOnlyList<JourneyFact>> ReadJourneyFactsAsync(string journey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journey);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var live = new QueryDefinition("SELECT c.facts FROM c WHERE c.type = @type AND ARRAY_CONTAINS(c.journeys, @journey)")
            .WithParameter("@type", CosmosKeys.Step).WithParameter("@journey", journey);
        var steps = QueryAcrossPartitionsAsync(_history, "step.query-facts", live, cancellationToken);
        var erased = Task.WhenAll(Enumerable.Range(0, FactShards).Select(async shard =>
        {
            var partition = FactPartition(journey, shard);
            var query = new QueryDefinition("SELECT c.facts FROM c WHERE c.customerId = @pk AND c.type = @type").WithParameter("@pk", partition).WithParameter("@type", CosmosKeys.Fact);
            return await QueryAsync(_history, "fact.query", query, Key(partition), cancellationToken).ConfigureAwait(false);
        }));
        await Task.WhenAll(steps, erased).ConfigureAwait(false);
        return [.. steps.Result.Concat(erased.Result.SelectMany(rows => rows))
            .SelectMany(r => CosmosJson.Read<List<FactLine>>(r.GetProperty("facts")))
            .Where(f => f.Journey == journey)
            .DistinctBy(f => f.FactId)
            .Select(ToFact)];
    }

    public async Task<bool> IsErasedAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var (_, item, _) = await ReadAsync<TombstoneItem>(_customers, "tombstone.read", TombstoneId, Key(TombstonePartition(customerId)), cancellationToken).ConfigureAwait(false);
        return item is not null;
    }

    /// <summary>
    /// Erasure's first part: the tombstone (so nothing recreates the customer from here on), then the facts of the
    /// customer's step items re-created per instance under random ids in the journeys' fact partitions. The step items
    /// themselves are deleted afterwards with the rest of the partition; a retry re-creates nothing twice because the
    /// copies are only made for step items still there, and a step item goes only after its copies are written.
    /// </summary>
    private async Task TombstoneAndAnonymiseAsync(string customerId, CancellationToken cancellationToken)
    {
        var tombstone = new TombstoneItem(TombstoneId, TombstonePartition(customerId), CosmosTime.Text(_clock.GetUtcNow()));
        await CreateAsync(_customers, "tombstone.create", tombstone, Key(tombstone.CustomerId), cancellationToken).ConfigureAwait(false);

        var query = new QueryDefinition("SELECT c.id, c.facts FROM c WHERE c.customerId = @pk AND c.type = @type AND IS_DEFINED(c.facts)")
            .WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.Step);
        var rows = await QueryAsync(_history, "step.query-erase-facts", query, Key(customerId), cancellationToken).ConfigureAwait(false);
        var facts = rows.SelectMany(r => CosmosJson.Read<List<FactLine>>(r.GetProperty("facts"))).DistinctBy(f => f.FactId).ToList();
        foreach (var instance in facts.GroupBy(f => (f.InstanceId, f.Journey)))
        {
            var anonymous = $"erased-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
            var partition = FactPartition(instance.Key.Journey, Shard(anonymous));
            var copy = new FactItem(CosmosKeys.Id(CosmosKeys.Fact, anonymous), partition, anonymous, instance.Key.Journey,
                [.. instance.Select(f => f with { FactId = $"erased/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}", InstanceId = anonymous })]);
            await CreateAsync(_history, "fact.create-anonymous", copy, Key(partition), cancellationToken).ConfigureAwait(false);
        }

        // The copies are written: the facts leave the step items now, so a retried erasure does not copy them again.
        foreach (var id in rows.Select(r => r.GetProperty("id").GetString()!))
        {
            await DeleteAsync(_history, "step.delete", id, Key(customerId), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string FactPartition(string journey, int shard) => $"facts|{journey}|{shard.ToString(CultureInfo.InvariantCulture)}";

    private static int Shard(string instanceId) => (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(instanceId)), 0) % FactShards);

    private static string TombstonePartition(string customerId) => $"tombstone|{Tombstones.Hash(customerId)}";
}
