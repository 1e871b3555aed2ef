using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// The journey store on Azure Cosmos DB for NoSQL. Containers (names and partition keys as in
/// <c>infra/modules/cosmos.bicep</c>): <c>customers</c> (/customerId: the customer item, replaced with
/// <c>IfMatchEtag</c> per step; referral links in the referrer's partition), <c>history</c> (/customerId: events,
/// history entries, messages, points and coupons of one customer — export and erase are one-partition operations),
/// <c>timers</c> (/bucket: the due-time bucket, plus a directory partition of non-empty buckets so the poller reads
/// a few partitions), <c>journeys</c> (/name) and <c>poison</c> (/customerId).
/// <para>
/// Effects are idempotent creates with deterministic ids (409 = already done); small changes are patches (no read
/// first). Queries on the hot path name their partition (<c>c.customerId = @pk</c>, <c>c.bucket = @bucket</c>,
/// <c>c.name = @name</c>). The few reads that cannot know a partition (start-up recovery, ops lists and counts, and
/// fallbacks for ids this instance has not seen) are cross-partition queries on indexed properties. No
/// transactional batch, change feed, TTL, GROUP BY, DISTINCT or OFFSET is used. Every request's charge is logged
/// and recorded as a metric (<see cref="CosmosTelemetry"/>).
/// </para>
/// </summary>
public sealed partial class CosmosJourneyStore : IJourneyStore, IDisposable
{
    public const string CustomersContainer = "customers";
    public const string HistoryContainer = "history";
    public const string TimersContainer = "timers";
    public const string JourneysContainer = "journeys";
    public const string PoisonContainer = "poison";

    /// <summary>Container name, partition key path, paths kept out of the index (large text the store never filters on).</summary>
    internal static readonly (string Name, string PartitionKey, string[] NotIndexed)[] Containers =
    [
        (CustomersContainer, "/customerId", ["/doc/*", "/timers/*"]),
        (HistoryContainer, "/customerId", ["/body/?", "/detail/?", "/subject/?", "/address/?"]),
        (TimersContainer, "/bucket", []),
        (JourneysContainer, "/name", ["/yaml/?", "/templates/*", "/versions/*"]),
        (PoisonContainer, "/customerId", ["/body/?", "/reason/?"]),
    ];

    private const int KnownIdCapacity = 200_000;

    private readonly CosmosClient _client;
    private readonly CosmosOptions _options;
    private readonly TimeProvider _clock;
    private readonly CosmosTelemetry _telemetry;
    private readonly ILogger<CosmosJourneyStore> _log;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private volatile bool _ready;
    private Container _customers = null!;
    private Container _history = null!;
    private Container _timers = null!;
    private Container _journeys = null!;
    private Container _poison = null!;
    private long _lastSeq;

    /// <summary>customer id → the last known (version, ETag, store-side fields) of its item.</summary>
    private readonly KnownIds<CachedCustomer> _customerItems = new(KnownIdCapacity);

    /// <summary>event id, effect id or instance id → customer id.</summary>
    private readonly KnownIds<string> _owners = new(KnownIdCapacity);

    /// <summary>timer id → (customer, bucket) of the timer item last read or written.</summary>
    private readonly KnownIds<(string CustomerId, string Bucket)> _timerBuckets = new(KnownIdCapacity);

    /// <summary>Buckets whose directory marker this instance has written (future buckets need it once).</summary>
    private readonly KnownIds<bool> _markedBuckets = new(50_000);

    public CosmosJourneyStore(CosmosClient client, IOptions<CosmosOptions> options, TimeProvider clock, CosmosTelemetry telemetry, ILogger<CosmosJourneyStore> log)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options.Value;
        _clock = clock;
        _telemetry = telemetry;
        _log = log;
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

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
                foreach (var (name, partitionKey, notIndexed) in Containers)
                {
                    var properties = new ContainerProperties(name, partitionKey);
                    foreach (var path in notIndexed) properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = path });
                    var container = await database.CreateContainerIfNotExistsAsync(properties, cancellationToken: cancellationToken).ConfigureAwait(false);
                    _telemetry.Charged("container.create", container.StatusCode, container.RequestCharge);
                }
            }
            else
            {
                foreach (var (name, _, _) in Containers)
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
            _timers = database.GetContainer(TimersContainer);
            _journeys = database.GetContainer(JourneysContainer);
            _poison = database.GetContainer(PoisonContainer);
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

    /// <summary>Replaces an item if its ETag still matches; 200, 404 and 412 come back.</summary>
    private async Task<(HttpStatusCode Status, string? ETag)> ReplaceAsync<T>(Container container, string operation, string id, T item, PartitionKey partitionKey, string? ifMatch, CancellationToken cancellationToken)
    {
        using var body = CosmosJson.ToStream(item);
        var bytes = body.Length;
        var options = new ItemRequestOptions { IfMatchEtag = ifMatch };
        using var response = await container.ReplaceItemStreamAsync(body, id, partitionKey, options, cancellationToken).ConfigureAwait(false);
        _telemetry.Charged(operation, response.StatusCode, response.Headers.RequestCharge, bytes);
        if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)) response.EnsureSuccessStatusCode();
        return (response.StatusCode, response.Headers.ETag);
    }

    /// <summary>Patches an item (no read first); 200, 404 and 412 (ETag or filter not met) come back.</summary>
    private async Task<HttpStatusCode> PatchAsync(Container container, string operation, string id, PartitionKey partitionKey, IReadOnlyList<PatchOperation> operations, CancellationToken cancellationToken, string? ifMatch = null, string? filter = null)
    {
        var options = new PatchItemRequestOptions { IfMatchEtag = ifMatch, FilterPredicate = filter };
        using var response = await container.PatchItemStreamAsync(id, partitionKey, operations, options, cancellationToken).ConfigureAwait(false);
        _telemetry.Charged(operation, response.StatusCode, response.Headers.RequestCharge);
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

    /// <summary>A query across partitions: only for start-up recovery, ops lists and counts, and lookups of ids not seen here.</summary>
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

    /// <summary>Increasing numbers (microseconds, at least one more than the last) that order a customer's events and ledgers.</summary>
    private long NextSeq(DateTimeOffset at)
    {
        var candidate = at.ToUnixTimeMilliseconds() * 1000;
        while (true)
        {
            var last = Interlocked.Read(ref _lastSeq);
            var next = Math.Max(last + 1, candidate);
            if (Interlocked.CompareExchange(ref _lastSeq, next, last) == last) return next;
        }
    }

    private static PartitionKey Key(string value) => new(value);

    public void Dispose() => _initGate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Cosmos DB store ready: {Endpoint}, database {Database}, signed in with {Auth}")]
    private partial void LogReady(string? endpoint, string database, string auth);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cross-partition lookup of {What} '{Id}' (not seen by this instance)")]
    private partial void LogLookup(string what, string id);
}
