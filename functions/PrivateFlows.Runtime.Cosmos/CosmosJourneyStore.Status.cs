using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosJourneyStore
{
    /// <summary>Counts for ops (cross-partition COUNT queries on indexed properties) and the containers' data size.</summary>
    public async Task<StoreStatus> ReadStatusAsync(CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var customers = CountAsync(_customers, "status.customers", "c.type = @type", cancellationToken, ("@type", CosmosKeys.Customer));
        var pendingEvents = CountAsync(_history, "status.pending-events", "c.type = @type AND c.status = @status", cancellationToken, ("@type", CosmosKeys.Event), ("@status", EventStatusText.Pending));
        var outboxes = CountAsync(_customers, "status.outboxes", "c.type = @type AND c.pending > 0", cancellationToken, ("@type", CosmosKeys.Customer));
        var timers = CountAsync(_timers, "status.timers", "c.type = @type", cancellationToken, ("@type", CosmosKeys.Timer));
        var poison = CountAsync(_poison, "status.poison", "c.type = @type", cancellationToken, ("@type", CosmosKeys.Poison));
        var next = ReadEarliestTimersAsync(1, cancellationToken);
        var bytes = DataSizeAsync(cancellationToken);
        await Task.WhenAll(customers, pendingEvents, outboxes, timers, poison, next, bytes).ConfigureAwait(false);
        return new StoreStatus(customers.Result, pendingEvents.Result, outboxes.Result, timers.Result, next.Result.FirstOrDefault()?.DueAt, poison.Result, bytes.Result);
    }

    private async Task<long> CountAsync(Container container, string operation, string where, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        var query = new QueryDefinition($"SELECT VALUE COUNT(1) FROM c WHERE {where}");
        foreach (var (name, value) in parameters) query = query.WithParameter(name, value);
        var rows = await QueryAcrossPartitionsAsync(container, operation, query, cancellationToken).ConfigureAwait(false);
        return rows.Sum(r => r.GetInt64());
    }

    /// <summary>Sum of the containers' <c>documentsSize</c> quota usage (KB); 0 where the service does not report it (the emulator).</summary>
    private async Task<long> DataSizeAsync(CancellationToken cancellationToken)
    {
        long kilobytes = 0;
        foreach (var container in new[] { _customers, _history, _timers, _journeys, _poison })
        {
            using var response = await container.ReadContainerStreamAsync(new ContainerRequestOptions { PopulateQuotaInfo = true }, cancellationToken).ConfigureAwait(false);
            _telemetry.Charged("container.read", response.StatusCode, response.Headers.RequestCharge);
            if (response.StatusCode != HttpStatusCode.OK) continue;
            var usage = response.Headers["x-ms-resource-usage"];
            var match = usage is null ? null : DocumentsSize().Match(usage);
            if (match is { Success: true }) kilobytes += long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return kilobytes * 1024;
    }

    [GeneratedRegex(@"documentsSize=(\d+)")]
    private static partial Regex DocumentsSize();
}
