using System.Text.Json;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosCustomerReadModel
{
    /// <summary>
    /// A step's history entries as one item in the customer's partition (id from the first entry id, so a replay is a
    /// 409): one write per step instead of one per entry, which is most of what a step costs otherwise.
    /// </summary>
    private void AddHistoryWrite(List<Func<CancellationToken, Task>> writes, string customerId, long seq, IReadOnlyList<HistoryEntry> entries)
    {
        if (entries.Count == 0) return;
        var lines = entries.Select((e, i) => new HistoryLine(seq + i, e.EntryId, e.InstanceId, e.Journey, CosmosTime.Text(e.Time), e.Kind.ToString(), e.Step, e.Detail)).ToList();
        var item = new HistoryItem(CosmosKeys.Id(CosmosKeys.History, entries[0].EntryId), customerId, seq, lines[^1].Seq,
            [.. entries.Select(e => e.InstanceId).Distinct(StringComparer.Ordinal)], lines);
        foreach (var instanceId in item.Instances) _owners.Remember(OwnerKey.Instance(instanceId), customerId);
        writes.Add(ct => CreateAsync(_history, "history.create", item, Key(customerId), ct));
    }

    public async Task<HistoryPage> ReadInstanceHistoryAsync(string instanceId, long after, int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (await FindInstanceCustomerAsync(instanceId, cancellationToken).ConfigureAwait(false) is not { } customerId) return new HistoryPage([], null);
        // Every item read holds at least one entry of the instance, so limit + 1 items are enough to know whether more follow.
        var query = new QueryDefinition(
                "SELECT TOP @n * FROM c WHERE c.customerId = @pk AND c.type = @type AND ARRAY_CONTAINS(c.instances, @instance) AND c.last > @after ORDER BY c.seq")
            .WithParameter("@n", Math.Max(1, limit) + 1).WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.History)
            .WithParameter("@instance", instanceId).WithParameter("@after", after);
        var rows = await QueryAsync(_history, "history.query-instance", query, Key(customerId), cancellationToken).ConfigureAwait(false);
        return Page(rows, after, limit, instanceId);
    }

    public async Task<HistoryPage> ReadCustomerHistoryAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT TOP @n * FROM c WHERE c.customerId = @pk AND c.type = @type AND c.last > @after ORDER BY c.seq")
            .WithParameter("@n", Math.Max(1, limit) + 1).WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.History).WithParameter("@after", after);
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
            .WithParameter("@type", CosmosKeys.History).WithParameter("@instance", instanceId);
        var rows = await QueryAcrossPartitionsAsync(_history, "history.lookup-instance", query, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0) return null;
        var customerId = rows[0].GetString()!;
        _owners.Remember(OwnerKey.Instance(instanceId), customerId);
        return customerId;
    }

    private static HistoryPage Page(List<JsonElement> rows, long after, int limit, string? instanceId)
    {
        var lines = rows.Select(r => CosmosJson.Read<HistoryItem>(r)).OrderBy(h => h.Seq)
            .SelectMany(h => h.Entries)
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
