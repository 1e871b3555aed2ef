using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosJourneyStore
{
    public async Task<HistoryPage> ReadInstanceHistoryAsync(string instanceId, long after, int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (await FindInstanceCustomerAsync(instanceId, cancellationToken).ConfigureAwait(false) is not { } customerId) return new HistoryPage([], null);
        var query = new QueryDefinition(
                "SELECT TOP @n * FROM c WHERE c.customerId = @pk AND c.type = @type AND c.instanceId = @instance AND c.seq > @after ORDER BY c.seq")
            .WithParameter("@n", Math.Max(1, limit) + 1).WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.History)
            .WithParameter("@instance", instanceId).WithParameter("@after", after);
        return Page(await QueryAsync(_history, "history.query-instance", query, Key(customerId), cancellationToken).ConfigureAwait(false), limit);
    }

    public async Task<HistoryPage> ReadCustomerHistoryAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT TOP @n * FROM c WHERE c.customerId = @pk AND c.type = @type AND c.seq > @after ORDER BY c.seq")
            .WithParameter("@n", Math.Max(1, limit) + 1).WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.History).WithParameter("@after", after);
        return Page(await QueryAsync(_history, "history.query-customer", query, Key(customerId), cancellationToken).ConfigureAwait(false), limit);
    }

    /// <summary>The customer of an instance: known from its documents and history writes, else looked up across partitions.</summary>
    public async Task<string?> FindInstanceCustomerAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (_owners.TryGet(OwnerKey.Instance(instanceId), out var known)) return known;
        LogLookup("instance", instanceId);
        var query = new QueryDefinition("SELECT TOP 1 VALUE c.customerId FROM c WHERE c.type = @type AND c.instanceId = @instance")
            .WithParameter("@type", CosmosKeys.History).WithParameter("@instance", instanceId);
        var rows = await QueryAcrossPartitionsAsync(_history, "history.lookup-instance", query, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0) return null;
        var customerId = rows[0].GetString()!;
        _owners.Remember(OwnerKey.Instance(instanceId), customerId);
        return customerId;
    }

    private static HistoryPage Page(List<System.Text.Json.JsonElement> rows, int limit)
    {
        var items = rows.Select(r => CosmosJson.Read<HistoryItem>(r)).ToList();
        var more = items.Count > Math.Max(1, limit);
        if (more) items.RemoveAt(items.Count - 1);
        return new HistoryPage(
            [.. items.Select(h => new HistoryEntry(h.EntryId, h.InstanceId, h.Journey, CosmosTime.Parse(h.Time), Enum.Parse<HistoryKind>(h.Kind), h.Step, h.Detail))],
            more ? items[^1].Seq : null);
    }
}
