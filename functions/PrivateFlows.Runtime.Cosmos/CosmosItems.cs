using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateFlows.Runtime.Cosmos;

// The items the read model keeps (their containers, partition keys and indexed paths: containers.json). Every item names its type (queries filter on it) and carries its partition key.
// Instants are ISO 8601 UTC text where they are read and Unix milliseconds where they are compared or ordered;
// seq numbers stay below 2^53 so JSON numbers keep them exact.

/// <summary>
/// <c>customers</c>, id = the customer: the customer's document as of the newest step written (<see cref="Doc"/>,
/// without outbox or processed-input ids), the step's time in milliseconds (<see cref="At"/>: writes of older steps
/// are filtered out on the server), the document version the orchestration gave it, and the live-count index of its
/// in-flight instances (<see cref="InFlight"/>, with the journeys they are in indexed in <see cref="Journeys"/>) —
/// in the same item, so the counts move with the document in one write.
/// </summary>
internal sealed record CustomerItem(string Id, string CustomerId, long At, long V, IReadOnlyList<string> Journeys, IReadOnlyList<InFlightLine> InFlight, JsonElement Doc)
{
    public string Type => CosmosKeys.Customer;
}

/// <summary>One in-flight (not ended) instance in a <see cref="CustomerItem"/>: where it is, for the live counts per step.</summary>
internal sealed record InFlightLine(string InstanceId, string Journey, string Version, string Step, bool Faulted);

/// <summary><c>customers</c>, partition = the referrer: one per referee, for the referral anti-fraud velocity check.</summary>
internal sealed record ReferralItem(string Id, string CustomerId, string RefereeId, long AcceptedAt)
{
    public string Type => CosmosKeys.Referral;
}

/// <summary>
/// <c>history</c>, the customer's partition: everything one step recorded, in one item (a step records several
/// things, and every item written costs at least ~5 RU): history entries, journey facts, messages, points lines and
/// coupons. <see cref="Seq"/> orders the items and <see cref="Last"/> is the seq of the last history entry (paging);
/// <see cref="Instances"/>, <see cref="Journeys"/> and <see cref="MessageIds"/> are indexed for the per-instance
/// history, the per-journey facts and the message look-up. Empty parts are left out of the JSON.
/// </summary>
internal sealed record StepItem(
    string Id,
    string CustomerId,
    long Seq,
    long Last,
    IReadOnlyList<string> Instances,
    IReadOnlyList<string>? Journeys,
    IReadOnlyList<HistoryLine>? Entries,
    IReadOnlyList<FactLine>? Facts,
    IReadOnlyList<string>? MessageIds,
    IReadOnlyList<MessageLine>? Messages,
    IReadOnlyList<PointsLine>? Points,
    IReadOnlyList<CouponLine>? Coupons)
{
    public string Type => CosmosKeys.Step;
}

/// <summary>One history entry inside a <see cref="StepItem"/>, with its own seq (the item's plus its position).</summary>
internal sealed record HistoryLine(long Seq, string EntryId, string InstanceId, string Journey, string Time, string Kind, string? Step, string Detail);

/// <summary>One anonymous journey fact (inside a <see cref="StepItem"/>, or an erased customer's <see cref="FactItem"/>).</summary>
internal sealed record FactLine(string FactId, string InstanceId, string Journey, string Kind, string At, string? Version, string? Variant, string? Channel, string? Amount, string? Outcome, string? Step);

internal sealed record MessageLine(
    string EffectId,
    string? InstanceId,
    string? Journey,
    string? Step,
    string Channel,
    string? Category,
    string? Template,
    string? Locale,
    string? Subject,
    string Body,
    string? Address,
    string Via,
    string Status,
    int Attempts,
    string? Detail,
    string At);

internal sealed record PointsLine(long Seq, string EntryId, string? InstanceId, long Points, string Rule, string Reason, string Status, string At, string? ExpiresAt);

internal sealed record CouponLine(string Code, string EffectId, string InstanceId, string Coupon, string Amount, string? ExpiresAt, string IssuedAt);

/// <summary><c>history</c>, the referrer's partition: a held referral reward's line for the referrer (written by the referee's step).</summary>
internal sealed record PointsItem(string Id, string CustomerId, PointsLine Line)
{
    public string Type => CosmosKeys.Points;
}

/// <summary>
/// <c>history</c>, partition <c>facts|{journey}|{shard}</c>: the journey facts of one instance of an erased customer,
/// under a random instance id (no customer id): what stays of them for the journey statistics.
/// </summary>
internal sealed record FactItem(string Id, string CustomerId, string InstanceId, string Journey, IReadOnlyList<FactLine> Facts)
{
    public string Type => CosmosKeys.Fact;

    /// <summary>Never expires: the history container's retention TTL is for personal data; anonymised facts keep the stats.</summary>
    public int Ttl => -1;
}

/// <summary><c>customers</c>, partition <c>tombstone|{hash}</c>: an erased customer.</summary>
internal sealed record TombstoneItem(string Id, string CustomerId, string ErasedAt)
{
    public string Type => CosmosKeys.Tombstone;
}

internal static class CosmosJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DictionaryKeyPolicy = null,
    };

    public static MemoryStream ToStream<T>(T item)
    {
        var stream = new MemoryStream();
        JsonSerializer.Serialize(stream, item, Options);
        stream.Position = 0;
        return stream;
    }

    public static T Read<T>(JsonElement element) =>
        element.Deserialize<T>(Options) ?? throw new JsonException($"null where a {typeof(T).Name} was expected");

    public static async Task<T> ReadAsync<T>(Stream stream, CancellationToken cancellationToken) =>
        await JsonSerializer.DeserializeAsync<T>(stream, Options, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException($"null where a {typeof(T).Name} was expected");
}
