using System.Text.Json;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosCustomerReadModel
{
    public async Task<HistoryPage> ReadInstanceHistoryAsync(string instanceId, long after, int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (await FindInstanceCustomerAsync(instanceId, cancellationToken).ConfigureAwait(false) is not { } customerId) return new HistoryPage([], null);
        // Each item naming the instance holds an entry of it; all but the one holding the previous page's last entry hold
        // one after the point, so limit + 2 items are enough to know whether more follow.
        var query = new QueryDefinition(
                "SELECT TOP @n c.seq, c.entries FROM c WHERE c.customerId = @pk AND c.type = @type AND ARRAY_CONTAINS(c.instances, @instance) AND c.last > @after ORDER BY c.seq")
            .WithParameter("@n", Math.Max(1, limit) + 2).WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.Step)
            .WithParameter("@instance", instanceId).WithParameter("@after", after);
        var rows = await QueryAsync(_history, "history.query-instance", query, Key(customerId), cancellationToken).ConfigureAwait(false);
        return Page(rows, after, limit, instanceId);
    }

    public async Task<HistoryPage> ReadCustomerHistoryAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT TOP @n c.seq, c.entries FROM c WHERE c.customerId = @pk AND c.type = @type AND c.last > @after ORDER BY c.seq")
            .WithParameter("@n", Math.Max(1, limit) + 1).WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.Step).WithParameter("@after", after);
        var rows = await QueryAsync(_history, "history.query-customer", query, Key(customerId), cancellationToken).ConfigureAwait(false);
        return Page(rows, after, limit, null);
    }

    /// <summary>The customer of an instance: known from the writes and reads of this instance, else looked up across partitions.</summary>
    public async Task<string?> FindInstanceCustomerAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (_owners.TryGet(OwnerKey.Instance(instanceId), out var known)) return known;
        LogLookup("instance", instanceId);
        var query = new QueryDefinition("SELECT TOP 1 VALUE c.customerId FROM c WHERE c.type = @type AND ARRAY_CONTAINS(c.instances, @instance)")
            .WithParameter("@type", CosmosKeys.Step).WithParameter("@instance", instanceId);
        var rows = await QueryAcrossPartitionsAsync(_history, "history.lookup-instance", query, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0) return null;
        var customerId = rows[0].GetString()!;
        _owners.Remember(OwnerKey.Instance(instanceId), customerId);
        return customerId;
    }

    private static HistoryPage Page(List<JsonElement> rows, long after, int limit, string? instanceId)
    {
        var lines = rows.OrderBy(r => r.GetProperty("seq").GetInt64())
            .SelectMany(r => r.TryGetProperty("entries", out var entries) ? CosmosJson.Read<List<HistoryLine>>(entries) : [])
            .Where(l => l.Seq > after && (instanceId is null || l.InstanceId == instanceId))
            .Take(Math.Max(1, limit) + 1)
            .ToList();
        var more = lines.Count > Math.Max(1, limit);
        if (more) lines.RemoveAt(lines.Count - 1);
        return new HistoryPage(
            [.. lines.Select(h => new HistoryEntry(h.EntryId, h.InstanceId, h.Journey, CosmosTime.Parse(h.Time), Enum.Parse<HistoryKind>(h.Kind), h.Step, h.Detail))],
            more ? lines[^1].Seq : null);
    }
}
