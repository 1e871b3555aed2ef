using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// The step index on Cosmos DB: one small item per in-flight (not ended) instance in the <c>customers</c> container,
/// partition <c>steps|{journey}|{shard}</c> (8 shards by a hash of the instance id, like journey facts), holding the
/// instance's version, current step, whether it is faulted and the time of the step it comes from.
/// <list type="bullet">
/// <item>Written with each newest step for the instances the step touched (named by its effects: every move of an
/// instance records history) and, when this app instance wrote the customer's previous step, for those whose entry
/// differs from what it wrote — most steps write none or one. An instance that just entered is created directly;
/// a move is a patch filtered on the step time (<c>c.at</c>), so a late write of an older step never puts an older step
/// back; an ended instance's entry is deleted (an instance never comes back once ended).</item>
/// <item><see cref="CountInstancesByStepAsync"/> runs one single-partition query per shard and adds up the rows: it
/// reads the journey's in-flight instances (a few properties each), never all customers and never across partitions.
/// (GROUP BY would count server-side in Azure, but the local emulator has none.)</item>
/// </list>
/// </summary>
public sealed partial class CosmosCustomerReadModel
{
    internal const string StepType = "step";

    public async Task<IReadOnlyList<InstanceStepCount>> CountInstancesByStepAsync(string journey, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journey);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var shards = await Task.WhenAll(Enumerable.Range(0, FactShards).Select(async shard =>
        {
            var partition = StepPartition(journey, shard);
            var query = new QueryDefinition("SELECT c.version, c.step, c.faulted FROM c WHERE c.customerId = @pk AND c.type = @type" + (version is null ? "" : " AND c.version = @version"))
                .WithParameter("@pk", partition).WithParameter("@type", StepType);
            if (version is not null) query = query.WithParameter("@version", version);
            return await QueryAsync(_customers, "step.query", query, Key(partition), cancellationToken).ConfigureAwait(false);
        })).ConfigureAwait(false);
        return [.. shards.SelectMany(rows => rows)
            .Select(r => (Version: r.GetProperty("version").GetString()!, Step: r.GetProperty("step").GetString() ?? "", Faulted: r.GetProperty("faulted").GetBoolean()))
            .GroupBy(r => (r.Version, r.Step))
            .OrderBy(g => g.Key.Version, StringComparer.Ordinal).ThenBy(g => g.Key.Step, StringComparer.Ordinal)
            .Select(g => new InstanceStepCount(journey, g.Key.Version, g.Key.Step.Length == 0 ? null : g.Key.Step, g.LongCount(r => !r.Faulted), g.LongCount(r => r.Faulted)))];
    }

    /// <summary>
    /// Adds the step index writes of a newest step: entries of touched or changed in-flight instances set, entries of
    /// instances that ended (or left the document) deleted. Returns what the index holds afterwards.
    /// </summary>
    private ImmutableDictionary<string, IndexedStep> AddStepIndexWrites(
        List<Func<CancellationToken, Task>> writes, CustomerDocument document, StepRecords records, long at, ImmutableDictionary<string, IndexedStep>? known)
    {
        var customerId = document.CustomerId;
        var now = IndexedStep.InFlight(document);
        var entered = records.History.Where(h => h.Kind == HistoryKind.Entered).Select(h => h.InstanceId).ToHashSet(StringComparer.Ordinal);
        foreach (var (instanceId, step) in now)
        {
            if (known is not null && known.TryGetValue(instanceId, out var before) && before == step) continue;
            if (known is null && !records.TouchedInstances.Contains(instanceId)) continue;
            var create = entered.Contains(instanceId);
            writes.Add(ct => PutStepAsync(customerId, instanceId, step, at, create, ct));
        }

        var gone = new HashSet<string>(StringComparer.Ordinal);
        if (known is not null) gone.UnionWith(known.Keys.Where(id => !now.ContainsKey(id)));
        foreach (var instanceId in records.TouchedInstances)
        {
            if (now.ContainsKey(instanceId)) continue;
            // Touched but not in flight: it ended in this step, or it never entered (no entry to delete).
            var ended = document.State.FindInstance(instanceId) is { Status: InstanceStatus.Ended } || records.Facts.Any(f => f.InstanceId == instanceId && f.Kind == JourneyFactKind.Ended);
            if (ended) gone.Add(instanceId);
        }

        foreach (var instanceId in gone)
        {
            var journey = document.State.FindInstance(instanceId)?.Journey
                ?? (known is not null && known.TryGetValue(instanceId, out var was) ? was.Journey : null)
                ?? records.History.FirstOrDefault(h => h.InstanceId == instanceId)?.Journey
                ?? JourneyOfInstance(instanceId);
            if (journey is null) continue;
            writes.Add(ct => DeleteAsync(_customers, "step.delete", CosmosKeys.Id(StepType, instanceId), Key(StepPartition(journey, Shard(instanceId))), ct));
        }

        return now;
    }

    /// <summary>Sets an instance's index entry unless it already comes from a newer step: a create for a new instance, else a filtered patch.</summary>
    private async Task PutStepAsync(string customerId, string instanceId, IndexedStep step, long at, bool create, CancellationToken cancellationToken)
    {
        var partition = StepPartition(step.Journey, Shard(instanceId));
        var id = CosmosKeys.Id(StepType, instanceId);
        var item = new StepItem(id, partition, customerId, instanceId, step.Journey, step.Version, step.Step, step.Faulted, at);
        PatchOperation[] update =
        [
            PatchOperation.Set("/version", step.Version),
            PatchOperation.Set("/step", step.Step),
            PatchOperation.Set("/faulted", step.Faulted),
            PatchOperation.Set("/at", at),
        ];
        var filter = $"FROM c WHERE c.at <= {at.ToString(CultureInfo.InvariantCulture)}";
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (create)
            {
                var (created, _) = await CreateAsync(_customers, "step.create", item, Key(partition), cancellationToken).ConfigureAwait(false);
                if (created != HttpStatusCode.Conflict) return;
            }

            var patched = await PatchAsync(_customers, "step.patch", id, Key(partition), update, cancellationToken, filter: filter).ConfigureAwait(false);
            if (patched != HttpStatusCode.NotFound) return; // 200, or 412: a newer step is already there
            create = true;
        }
    }

    /// <summary>Erasure: the index entries of the customer's in-flight instances go (the counts never name a customer, but the items do).</summary>
    private async Task EraseStepsAsync(CustomerDocument document, CancellationToken cancellationToken)
    {
        foreach (var (instanceId, step) in IndexedStep.InFlight(document))
        {
            await DeleteAsync(_customers, "step.delete", CosmosKeys.Id(StepType, instanceId), Key(StepPartition(step.Journey, Shard(instanceId))), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string StepPartition(string journey, int shard) => $"steps|{journey}|{shard.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary><c>customers</c>, partition <c>steps|{journey}|{shard}</c>: where one in-flight instance is (the live counts per step).</summary>
internal sealed record StepItem(string Id, string CustomerId, string Owner, string InstanceId, string Journey, string Version, string Step, bool Faulted, long At)
{
    public string Type => CosmosCustomerReadModel.StepType;
}
