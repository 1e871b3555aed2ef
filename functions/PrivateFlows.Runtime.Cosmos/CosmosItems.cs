using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateFlows.Runtime.Cosmos;

// The items the store keeps. Every item names its type (queries filter on it) and carries its partition key.
// Instants are ISO 8601 UTC text where they are read and Unix milliseconds where they are ordered; seq numbers
// stay below 2^53 so JSON numbers keep them exact.

/// <summary>
/// <c>customers</c>, id = the customer: the runtime's document (<see cref="Doc"/>, replaced whole with an ETag per step)
/// plus what the store keeps beside it: its own version number, the outbox size (for recovery), the customer's timer
/// index entries (their buckets, for deleting and listing without a cross-partition query), the last history
/// sequence number and the referral link last written.
/// </summary>
internal sealed record CustomerItem(
    string Id,
    string CustomerId,
    long V,
    int Pending,
    long HistorySeq,
    IReadOnlyList<TimerEntry> Timers,
    ReferralLink? Referral,
    string UpdatedAt,
    JsonElement Doc)
{
    public string Type => CosmosKeys.Customer;
}

internal sealed record TimerEntry(string TimerId, string InstanceId, long Due, string Bucket);

internal sealed record ReferralLink(string ReferrerId, long At);

/// <summary><c>customers</c>, partition = the referrer: one per referee, for the referral anti-fraud velocity check.</summary>
internal sealed record ReferralItem(string Id, string CustomerId, string RefereeId, long AcceptedAt)
{
    public string Type => CosmosKeys.Referral;
}

/// <summary><c>history</c>: an accepted event (the inbox while pending, the timeline afterwards).</summary>
internal sealed record EventItem(string Id, string CustomerId, string EventId, long Seq, string EventType, string Time, string ReceivedAt, string Status, string Body)
{
    public string Type => CosmosKeys.Event;
}

/// <summary><c>history</c>: one history entry; <see cref="Seq"/> is per customer, allocated in the customer item.</summary>
internal sealed record HistoryItem(string Id, string CustomerId, long Seq, string EntryId, string InstanceId, string Journey, string Time, string Kind, string? Step, string Detail)
{
    public string Type => CosmosKeys.History;
}

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

/// <summary><c>timers</c>, partition = the due-time bucket.</summary>
internal sealed record TimerItem(string Id, string Bucket, string TimerId, string CustomerId, string InstanceId, long Due)
{
    public string Type => CosmosKeys.Timer;
}

/// <summary><c>timers</c>, partition <see cref="CosmosKeys.Directory"/>: "bucket <see cref="B"/> may hold timers".</summary>
internal sealed record BucketMarker(string Id, string Bucket, string B)
{
    public string Type => CosmosKeys.BucketMarker;
}

/// <summary><c>poison</c>: an input set aside; <see cref="First"/> (ms) orders the list, newest first.</summary>
internal sealed record PoisonItem(string Id, string CustomerId, string InputId, string Kind, string Body, string Reason, int Attempts, string ParkedAt, long First)
{
    public string Type => CosmosKeys.Poison;
}

/// <summary><c>journeys</c>, partition = the journey name: one immutable version.</summary>
internal sealed record VersionItem(string Id, string Name, int Number, string Version, string Yaml, JsonElement Templates, string PublishedAt)
{
    public string Type => CosmosKeys.Version;
}

/// <summary><c>journeys</c>, partition = the journey name: content hash → number, replaced with an ETag (numbering and idempotency).</summary>
internal sealed record VersionIndexItem(string Id, string Name, Dictionary<string, int> Versions)
{
    public string Type => CosmosKeys.VersionIndex;
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
