using System.Net;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosJourneyStore
{
    /// <summary>Creates the poison item in the customer's partition, or patches reason, attempts (added up) and time when it is parked again.</summary>
    public async Task ParkPoisonAsync(PoisonInput poison, string? eventId, string? timerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(poison);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var item = new PoisonItem(CosmosKeys.Id(CosmosKeys.Poison, poison.InputId), poison.CustomerId, poison.InputId, poison.Kind, poison.Body, poison.Reason, poison.Attempts,
            CosmosTime.Text(poison.ParkedAt), poison.ParkedAt.ToUnixTimeMilliseconds());
        var (status, _) = await CreateAsync(_poison, "poison.create", item, Key(poison.CustomerId), cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.Conflict)
        {
            PatchOperation[] again = [PatchOperation.Set("/reason", poison.Reason), PatchOperation.Increment("/attempts", poison.Attempts), PatchOperation.Set("/parkedAt", item.ParkedAt)];
            await PatchAsync(_poison, "poison.patch", item.Id, Key(poison.CustomerId), again, cancellationToken).ConfigureAwait(false);
        }

        if (eventId is not null) await SetEventStatusAsync(poison.CustomerId, eventId, EventStatusText.Poison, cancellationToken).ConfigureAwait(false);
        if (timerId is not null)
        {
            await DeleteTimerAsync(timerId, null, cancellationToken).ConfigureAwait(false);
            await RemoveTimerEntryAsync(poison.CustomerId, timerId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The most recently parked inputs of all customers (an ops list: a cross-partition query).</summary>
    public async Task<IReadOnlyList<PoisonInput>> ReadPoisonAsync(int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT TOP @n * FROM c WHERE c.type = @type ORDER BY c.first DESC").WithParameter("@n", Math.Max(1, limit)).WithParameter("@type", CosmosKeys.Poison);
        var rows = await QueryAcrossPartitionsAsync(_poison, "poison.query", query, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => CosmosJson.Read<PoisonItem>(r))
            .Select(p => new PoisonInput(p.InputId, p.CustomerId, p.Kind, p.Body, p.Reason, p.Attempts, CosmosTime.Parse(p.ParkedAt)))];
    }
}
