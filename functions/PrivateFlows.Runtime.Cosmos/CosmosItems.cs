using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateFlows.Runtime.Cosmos;

// The items the read model keeps. Every item names its type (queries filter on it) and carries its partition key.
// Instants are ISO 8601 UTC text where they are read and Unix milliseconds where they are compared or ordered;
// seq numbers stay below 2^53 so JSON numbers keep them exact.

/// <summary>
/// <c>customers</c>, id = the customer: the customer's document as of the newest step written (<see cref="Doc"/>,
/// without outbox or processed-input ids), the step's time in milliseconds (<see cref="At"/>: writes of older steps
/// are filtered out on the server) and the document version the orchestration gave it.
/// </summary>
internal sealed record CustomerItem(string Id, string CustomerId, long At, long V, JsonElement Doc)
{
    public string Type => CosmosKeys.Customer;
}

/// <summary><c>customers</c>, partition = the referrer: one per referee, for the referral anti-fraud velocity check.</summary>
internal sealed record ReferralItem(string Id, string CustomerId, string RefereeId, long AcceptedAt)
{
    public string Type => CosmosKeys.Referral;
}

/// <summary>
/// <c>history</c>: the history entries of one step of one customer (one item instead of one per entry: a step writes
/// several). <see cref="Seq"/> orders the items, <see cref="Last"/> is the seq of the last entry (paging reads items
/// with entries after a point), <see cref="Instances"/> the instances named (the per-instance history query).
/// </summary>
internal sealed record HistoryItem(string Id, string CustomerId, long Seq, long Last, IReadOnlyList<string> Instances, IReadOnlyList<HistoryLine> Entries)
{
    public string Type => CosmosKeys.History;
}

/// <summary>One history entry inside a <see cref="HistoryItem"/>, with its own seq (the item's plus its position).</summary>
internal sealed record HistoryLine(long Seq, string EntryId, string InstanceId, string Journey, string Time, string Kind, string? Step, string Detail);

internal sealed record MessageItem(
    string Id,
    string CustomerId,
    long Seq,
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
    string At)
{
    public string Type => CosmosKeys.Message;
}

internal sealed record PointsItem(string Id, string CustomerId, long Seq, string EntryId, string? InstanceId, long Points, string Rule, string Reason, string Status, string At, string? ExpiresAt)
{
    public string Type => CosmosKeys.Points;
}

internal sealed record CouponItem(string Id, string CustomerId, long Seq, string Code, string EffectId, string InstanceId, string Coupon, string Amount, string? ExpiresAt, string IssuedAt)
{
    public string Type => CosmosKeys.Coupon;
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
