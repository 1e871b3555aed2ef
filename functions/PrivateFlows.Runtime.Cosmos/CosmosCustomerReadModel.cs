using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.ReadModel;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// The read model on Azure Cosmos DB for NoSQL: what marketers and ops query while the customers' Durable
/// orchestrations hold journey state. Containers (names, partition keys and indexing policies in
/// <c>containers.json</c>, which <c>infra/</c> loads too): <c>customers</c> (/customerId: the customer item, written per
/// step; referral links in the referrer's partition; tombstones; the live-count step index under
/// <c>steps|{journey}|{shard}</c>) and <c>history</c> (/customerId: one history item per step, messages, points and
/// coupons of one customer — export and erase are one-partition operations; journey facts under
/// <c>facts|{journey}|{shard}</c>).
/// <para>
/// Every write is idempotent: creates with deterministic ids (409 = a replay already wrote it) and patches with a
/// server-side filter (an older step never replaces a newer document or index entry, a delivered message is never
/// downgraded), so no write reads first. Queries name their partition (<c>c.customerId = @pk</c>); the few reads that
/// cannot know one (profiles in pages, and ids this instance has not seen) are cross-partition queries on indexed
/// properties. No transactional batch, change feed, TTL, GROUP BY, DISTINCT or OFFSET is used. Every request's
/// charge is logged and recorded as a metric (<see cref="CosmosTelemetry"/>).
/// </para>
/// </summary>
public sealed partial class CosmosCustomerReadModel : ICustomerReadModel, ICustomerReadModelReader, IDisposable
{
    public const string CustomersContainer = "customers";
    public const string HistoryContainer = "history";

    private const int KnownIdCapacity = 200_000;

    private readonly CosmosClient _client;
    private readonly CosmosOptions _options;
    private readonly TimeProvider _clock;
    private readonly CosmosTelemetry _telemetry;
    private readonly ILogger<CosmosCustomerReadModel> _log;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _ready;
    private Container _customers = null!;
    private Container _history = null!;

    /// <summary>customer id → what this instance last wrote of the customer (step time, referral link, in-flight instances).</summary>
    private readonly KnownIds<WrittenCustomer> _written = new(KnownIdCapacity);

    /// <summary>effect id or instance id → customer id.</summary>
    private readonly KnownIds<string> _owners = new(KnownIdCapacity);

    public CosmosCustomerReadModel(CosmosClient client, IOptions<CosmosOptions> options, TimeProvider clock, CosmosTelemetry telemetry, ILogger<CosmosCustomerReadModel> log)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options.Value;
        _clock = clock;
        _telemetry = telemetry;
        _log = log;
    }

    // ── start-up ──────────────────────────────────────────────────────────

    /// <summary>Creates (when allowed) or checks the database and containers; runs once, retried after a failure.</summary>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        if (_ready) return;
        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready) return;
            var database = _client.GetDatabase(_options.Database);
            if (_options.CreateContainers)
            {
                var created = await _client.CreateDatabaseIfNotExistsAsync(_options.Database, cancellationToken: cancellationToken).ConfigureAwait(false);
                _telemetry.Charged("database.create", created.StatusCode, created.RequestCharge);
                foreach (var properties in ContainerDefinitions.Load())
                {
                    var container = await database.CreateContainerIfNotExistsAsync(properties, cancellationToken: cancellationToken).ConfigureAwait(false);
                    _telemetry.Charged("container.create", container.StatusCode, container.RequestCharge);
                }
            }
            else
            {
                foreach (var name in new[] { CustomersContainer, HistoryContainer })
                {
                    using var response = await database.GetContainer(name).ReadContainerStreamAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    _telemetry.Charged("container.read", response.StatusCode, response.Headers.RequestCharge);
                    if (response.StatusCode == HttpStatusCode.NotFound)
                    {
                        throw new InvalidOperationException(
                            $"Cosmos DB container '{name}' does not exist in database '{_options.Database}' at {_options.Endpoint}: deploy infra/modules/cosmos.bicep, or set {CosmosOptions.Section}:CreateContainers=true where the identity may create containers");
                    }

                    response.EnsureSuccessStatusCode();
                }
            }

            _customers = database.GetContainer(CustomersContainer);
            _history = database.GetContainer(HistoryContainer);
            _ready = true;
            LogReady(_options.Endpoint, _options.Database, _options.UsesEmulator ? "emulator key" : "Microsoft Entra ID");
        }
        finally
        {
            _initGate.Release();
        }
    }

    private ValueTask ReadyAsync(CancellationToken cancellationToken) => _ready ? ValueTask.CompletedTask : new ValueTask(EnsureReadyAsync(cancellationToken));

    // ── request helpers: stream APIs (no exceptions for 404/409/412), every charge recorded ──

    private async Task<(HttpStatusCode Status, T? Item, string? ETag)> ReadAsync<T>(Container container, string operation, string id, PartitionKey partitionKey, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await container.ReadItemStreamAsync(id, partitionKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        _telemetry.Charged(operation, response.StatusCode, response.Headers.RequestCharge);
        if (response.StatusCode == HttpStatusCode.NotFound) return (response.StatusCode, null, null);
        response.EnsureSuccessStatusCode();
        var item = await CosmosJson.ReadAsync<T>(response.Content, cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, item, response.Headers.ETag);
    }

    /// <summary>Creates an item; 201 or 409 (it exists: an idempotent write already done) come back, anything else throws.</summary>
    private async Task<(HttpStatusCode Status, string? ETag)> CreateAsync<T>(Container container, string operation, T item, PartitionKey partitionKey, CancellationToken cancellationToken)
    {
        using var body = CosmosJson.ToStream(item);
        var bytes = body.Length;
        using var response = await container.CreateItemStreamAsync(body, partitionKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        _telemetry.Charged(operation, response.StatusCode, response.Headers.RequestCharge, bytes);
        if (response.StatusCode != HttpStatusCode.Conflict) response.EnsureSuccessStatusCode();
        return (response.StatusCode, response.Headers.ETag);
    }

    private async Task<(HttpStatusCode Status, string? ETag)> UpsertAsync<T>(Container container, string operation, T item, PartitionKey partitionKey, CancellationToken cancellationToken)
    {
        using var body = CosmosJson.ToStream(item);
        var bytes = body.Length;
        using var response = await container.UpsertItemStreamAsync(body, partitionKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        _telemetry.Charged(operation, response.StatusCode, response.Headers.RequestCharge, bytes);
        response.EnsureSuccessStatusCode();
        return (response.StatusCode, response.Headers.ETag);
    }

    /// <summary>Patches an item (no read first); 200, 404 and 412 (ETag or filter not met) come back.</summary>
    private async Task<HttpStatusCode> PatchAsync(Container container, string operation, string id, PartitionKey partitionKey, IReadOnlyList<PatchOperation> operations, CancellationToken cancellationToken, string? ifMatch = null, string? filter = null, long itemBytes = -1)
    {
        var options = new PatchItemRequestOptions { IfMatchEtag = ifMatch, FilterPredicate = filter };
        using var response = await container.PatchItemStreamAsync(id, partitionKey, operations, options, cancellationToken).ConfigureAwait(false);
        _telemetry.Charged(operation, response.StatusCode, response.Headers.RequestCharge, itemBytes); // a patch is charged by the item it leaves
        if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)) response.EnsureSuccessStatusCode();
        return response.StatusCode;
    }

    /// <summary>Deletes an item; 204, 404 (already gone) and 412 come back.</summary>
    private async Task<HttpStatusCode> DeleteAsync(Container container, string operation, string id, PartitionKey partitionKey, CancellationToken cancellationToken, string? ifMatch = null)
    {
        var options = ifMatch is null ? null : new ItemRequestOptions { IfMatchEtag = ifMatch };
        using var response = await container.DeleteItemStreamAsync(id, partitionKey, options, cancellationToken).ConfigureAwait(false);
        _telemetry.Charged(operation, response.StatusCode, response.Headers.RequestCharge);
        if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)) response.EnsureSuccessStatusCode();
        return response.StatusCode;
    }

    /// <summary>
    /// A query within one partition: <paramref name="partitionKey"/> is set on the request and the query text must
    /// also filter on the partition key property (the local emulator ignores the header).
    /// </summary>
    private Task<List<JsonElement>> QueryAsync(Container container, string operation, QueryDefinition query, PartitionKey partitionKey, CancellationToken cancellationToken, int? pageSize = null) =>
        RunQueryAsync(container, operation, query, partitionKey, pageSize, cancellationToken);

    /// <summary>A query across partitions: only for profiles in pages and lookups of ids not seen here.</summary>
    private Task<List<JsonElement>> QueryAcrossPartitionsAsync(Container container, string operation, QueryDefinition query, CancellationToken cancellationToken, int? pageSize = null) =>
        RunQueryAsync(container, operation, query, null, pageSize, cancellationToken);

    private async Task<List<JsonElement>> RunQueryAsync(Container container, string operation, QueryDefinition query, PartitionKey? partitionKey, int? pageSize, CancellationToken cancellationToken)
    {
        var options = new QueryRequestOptions { PartitionKey = partitionKey, MaxItemCount = pageSize ?? 1000 };
        using var iterator = container.GetItemQueryStreamIterator(query, requestOptions: options);
        var results = new List<JsonElement>();
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false);
            _telemetry.Charged(operation, response.StatusCode, response.Headers.RequestCharge);
            response.EnsureSuccessStatusCode();
            using var page = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var element in page.RootElement.GetProperty("Documents").EnumerateArray()) results.Add(element.Clone());
        }

        return results;
    }

    private static PartitionKey Key(string value) => new(value);

    public void Dispose() => _initGate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Cosmos DB read model ready: {Endpoint}, database {Database}, signed in with {Auth}")]
    private partial void LogReady(string? endpoint, string database, string auth);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cross-partition lookup of {What} '{Id}' (not seen by this instance)")]
    private partial void LogLookup(string what, string id);
}
