using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// The live counts per step on Cosmos DB. Each customer item carries its in-flight (not ended) instances — journey,
/// version, step, faulted — and the journeys they are in, written with the document in the same patch: the counts
/// never lag behind or run ahead of the documents, and keeping them costs no write of its own (a separate index item
/// per instance cost ~5 RU per move). Counting is one query across partitions for the customers with an instance in the
/// journey (<c>ARRAY_CONTAINS</c> on the indexed <c>journeys</c>), reading only their in-flight entries: its cost grows
/// with the journey's in-flight customers, never with all customers. (GROUP BY would count server-side in Azure, but
/// the local emulator has none; the dashboard reads counts per journey, not per event.)
/// </summary>
public sealed partial class CosmosCustomerReadModel
{
    public async Task<IReadOnlyList<InstanceStepCount>> CountInstancesByStepAsync(string journey, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journey);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT c.inFlight FROM c WHERE c.type = @type AND ARRAY_CONTAINS(c.journeys, @journey)")
            .WithParameter("@type", CosmosKeys.Customer).WithParameter("@journey", journey);
        var rows = await QueryAcrossPartitionsAsync(_customers, "customer.query-steps", query, cancellationToken).ConfigureAwait(false);
        return [.. rows
            .SelectMany(r => CosmosJson.Read<List<InFlightLine>>(r.GetProperty("inFlight")))
            .Where(i => i.Journey == journey && (version is null || i.Version == version))
            .GroupBy(i => (i.Version, i.Step))
            .OrderBy(g => g.Key.Version, StringComparer.Ordinal).ThenBy(g => g.Key.Step, StringComparer.Ordinal)
            .Select(g => new InstanceStepCount(journey, g.Key.Version, g.Key.Step.Length == 0 ? null : g.Key.Step, g.LongCount(i => !i.Faulted), g.LongCount(i => i.Faulted)))];
    }
}
