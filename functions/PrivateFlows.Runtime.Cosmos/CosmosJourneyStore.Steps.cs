using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// The step index on Cosmos DB: one small item per in-flight (not ended) instance in the <c>customers</c> container,
/// partition <c>steps|{journey}|{shard}</c> (8 shards by a hash of the instance id, like journey facts), holding the
/// instance's version, current step, whether it is faulted and the customer document version it came from.
/// <list type="bullet">
/// <item>Written right after each customer commit, for the instances whose step changed since the version this store
/// instance committed or read last (most commits change none). Writes carry the document version and never replace a
/// newer one (patch with a filter on it), so concurrent workers cannot put an older step back.</item>
/// <item>Without a transactional batch the index is not in the customer item's write: when the process stops between
/// the two, the next write of that customer document by a store instance that did not see it (recovery completes the
/// outbox of such a step) rewrites the customer's in-flight instances and deletes the ones that ended lately.</item>
/// <item><see cref="CountInstancesByStepAsync"/> runs one single-partition query per shard and adds up the rows: it
/// reads the journey's in-flight instances (a few properties each), never all customers and never across partitions.
/// (GROUP BY would count server-side in Azure, but the local emulator has none.)</item>
/// </list>
/// </summary>
public sealed partial class CosmosJourneyStore
{
    internal const string StepType = "step";

    /// <summary>On a full resync, ended instances are removed from the index when they ended this recently.</summary>
    private static readonly TimeSpan ResyncEndedWithin = TimeSpan.FromDays(2);

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
    /// Brings the step index in line with <paramref name="document"/> (just stored as version <paramref name="version"/>):
    /// the changes since <paramref name="previous"/>, or everything when that is unknown. Returns what the index now
    /// holds, or null when a write failed (the next write of the document resyncs).
    /// </summary>
    private async Task<ImmutableDictionary<string, IndexedStep>?> IndexStepsAsync(CustomerDocument document, long version, ImmutableDictionary<string, IndexedStep>? previous, CancellationToken cancellationToken)
    {
        var now = IndexedStep.InFlight(document);
        var writes = new List<Func<CancellationToken, Task>>();
        foreach (var (instanceId, step) in now)
        {
            if (previous is not null && previous.TryGetValue(instanceId, out var before) && before == step) continue;
            writes.Add(ct => PutStepAsync(document.CustomerId, instanceId, step, version, ct));
        }

        var gone = previous is not null
            ? previous.Where(kv => !now.ContainsKey(kv.Key)).Select(kv => (kv.Key, kv.Value.Journey))
            : document.State.Instances.Where(i => i.Status == InstanceStatus.Ended && i.EndedAt >= Now - ResyncEndedWithin).Select(i => (i.InstanceId, i.Journey));
        foreach (var (instanceId, journey) in gone) writes.Add(ct => RemoveStepAsync(instanceId, journey, version, ct));
        if (writes.Count == 0) return now;
        try
        {
            await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = ParallelWrites, CancellationToken = cancellationToken },
                async (write, ct) => await write(ct).ConfigureAwait(false)).ConfigureAwait(false);
            return now;
        }
        catch (Exception e) when (e is CosmosException or HttpRequestException)
        {
            LogStepIndexFailed(document.CustomerId, e);
            return null;
        }
    }

    /// <summary>Sets an instance's index item unless the item already comes from a newer document version.</summary>
    private async Task PutStepAsync(string customerId, string instanceId, IndexedStep step, long version, CancellationToken cancellationToken)
    {
        var partition = StepPartition(step.Journey, Shard(instanceId));
        var id = CosmosKeys.Id(StepType, instanceId);
        PatchOperation[] update =
        [
            PatchOperation.Set("/version", step.Version),
            PatchOperation.Set("/step", step.Step),
            PatchOperation.Set("/faulted", step.Faulted),
            PatchOperation.Set("/v", version),
        ];
        var filter = $"FROM c WHERE c.v < {version.ToString(CultureInfo.InvariantCulture)}";
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var patched = await PatchAsync(_customers, "step.patch", id, Key(partition), update, cancellationToken, filter: filter).ConfigureAwait(false);
            if (patched != HttpStatusCode.NotFound) return; // 200, or 412: a newer version is already there
            var item = new StepItem(id, partition, customerId, instanceId, step.Journey, step.Version, step.Step, step.Faulted, version);
            var (created, _) = await CreateAsync(_customers, "step.create", item, Key(partition), cancellationToken).ConfigureAwait(false);
            if (created != HttpStatusCode.Conflict) return;
        }
    }

    /// <summary>Deletes an instance's index item unless it comes from a newer document version.</summary>
    private async Task RemoveStepAsync(string instanceId, string journey, long version, CancellationToken cancellationToken)
    {
        var partition = StepPartition(journey, Shard(instanceId));
        var id = CosmosKeys.Id(StepType, instanceId);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var (_, item, etag) = await ReadAsync<StepItem>(_customers, "step.read", id, Key(partition), cancellationToken).ConfigureAwait(false);
            if (item is null || item.V > version) return;
            if (await DeleteAsync(_customers, "step.delete", id, Key(partition), cancellationToken, ifMatch: etag).ConfigureAwait(false) != HttpStatusCode.PreconditionFailed) return;
        }
    }

    /// <summary>Erasure: the index items of the customer's in-flight instances go (the counts never name a customer, but the items do).</summary>
    private async Task EraseStepsAsync(CustomerItem item, CancellationToken cancellationToken)
    {
        foreach (var (instanceId, step) in IndexedStep.InFlight(ToDocument(item)))
        {
            await DeleteAsync(_customers, "step.delete", CosmosKeys.Id(StepType, instanceId), Key(StepPartition(step.Journey, Shard(instanceId))), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string StepPartition(string journey, int shard) => $"steps|{journey}|{shard.ToString(CultureInfo.InvariantCulture)}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Step index not updated for customer {CustomerId}; the next write of the customer resyncs it")]
    private partial void LogStepIndexFailed(string customerId, Exception exception);
}

/// <summary><c>customers</c>, partition <c>steps|{journey}|{shard}</c>: where one in-flight instance is (the live counts per step).</summary>
internal sealed record StepItem(string Id, string CustomerId, string Owner, string InstanceId, string Journey, string Version, string Step, bool Faulted, long V)
{
    public string Type => CosmosJourneyStore.StepType;
}
