using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Host.Events;

/// <summary>
/// The sane bounds of the producer contract, checked at the door so that nothing the engine cannot compute with
/// (amounts past <c>decimal</c>, dates near year 9999, a birthday of 13-45, an unknown time zone, control characters
/// in ids) is ever stored. The JSON schemas in <c>schemas/events</c> and README's contract state the same numbers;
/// a test holds them together.
/// </summary>
public static class EventBounds
{
    /// <summary><c>id</c>, <c>subject</c>, and the ids in data that name a customer or an order.</summary>
    public const int MaxIdLength = 200;
    public const int MaxTypeLength = 100;
    public const int MaxSourceLength = 200;

    /// <summary>Any string anywhere in <c>data</c>, and any key.</summary>
    public const int MaxTextLength = 2000;
    public const int MaxKeyLength = 100;
    /// <summary>Objects and arrays nested in <c>data</c> (the stored event wraps data once more; JSON reading stops at 64).</summary>
    public const int MaxDataDepth = 16;
    /// <summary>Any number anywhere in <c>data</c>: |x| ≤ 10^15, exact as double, decimal and long alike.</summary>
    public const double MaxNumber = 1e15;

    /// <summary><c>amount</c> and <c>items[].price</c>: 0 … 10^12 with at most 2 decimals (fen, cents).</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;
    public const int AmountDecimals = 2;
    public const int MaxQuantity = 1_000_000;
    public const int MaxUseCycleDays = 3650;
    /// <summary><c>points</c> of <c>points.awarded</c> / <c>points.redeemed</c>: |points| ≤ 10^9.</summary>
    public const long MaxPoints = 1_000_000_000;
    public const int MaxStreak = 100_000;

    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;
    public const int MaxPhoneLength = 32;
    public const int MaxLocaleLength = 35;
    public const int MaxChannelLength = 50;
    public const int MaxTags = 100;
    public const int MaxTagLength = 100;
    public const int MaxAttributes = 100;
    public const int MaxAttributeLength = 1000;
    public const int EarliestBirthYear = 1900;

    /// <summary>The bounds in the producer's words (the OpenAPI description of <c>POST /api/events</c>).</summary>
    public static string Summary =>
        $"Bounds (400 naming the field past them): id, subject, data.referrerId, data.orderId at most {MaxIdLength} characters and, like type " +
        $"(at most {MaxTypeLength}) and source (at most {MaxSourceLength}), without control or invisible characters; time from 2000-01-01T00:00:00Z " +
        $"to the receipt time + PrivateFlows:Ingest:MaxFutureSkew (1 day); amount and items[].price 0 to 1e12 with at most {AmountDecimals} decimals; " +
        $"items[].quantity 0 to {MaxQuantity}, items[].useCycleDays 0 to {MaxUseCycleDays}; points at most {MaxPoints} in size; streak 0 to {MaxStreak}; " +
        $"birthday MM-dd or yyyy-MM-dd, a real calendar day (02-29 allowed), years {EarliestBirthYear} to now; timeZone an IANA zone of the tz database; " +
        $"name {MaxNameLength}, email {MaxEmailLength}, phone {MaxPhoneLength}, locale {MaxLocaleLength}, channel names {MaxChannelLength} characters; " +
        $"at most {MaxTags} tags of {MaxTagLength} characters and {MaxAttributes} attributes of {MaxAttributeLength}; anywhere in data: numbers at most 1e15 in size, " +
        $"strings {MaxTextLength} characters without control characters (tab and line breaks allowed), keys {MaxKeyLength}, {MaxDataDepth} levels deep. " +
        "Bodies must be UTF-8 without lone surrogates or duplicate keys. The JSON schemas per type are in the app's schemas/events folder.";

    /// <summary>No event (nor consent time) before this; the latest is the receipt time plus <see cref="IngestOptions.MaxFutureSkew"/>.</summary>
    public static readonly DateTimeOffset EarliestTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The envelope: ids, type and source are printable one-line text of bounded length; the time is in the window.</summary>
    public static FieldError? CheckEnvelope(CustomerEvent e, DateTimeOffset now, TimeSpan maxFutureSkew)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Id("id", e.Id, MaxIdLength)
            ?? Id("subject", e.Subject, MaxIdLength)
            ?? Id("type", e.Type, MaxTypeLength)
            ?? Id("source", e.Source, MaxSourceLength)
            ?? Window("time", e.Time, now, maxFutureSkew);
    }

    /// <summary>
    /// Every value of the event (<c>data</c> and any extension attribute), whatever the type: depth, key and text
    /// length, no control characters, numbers in range. Runs before the schema, whose validator fails on numbers past
    /// <c>decimal</c>.
    /// </summary>
    public static FieldError? CheckValues(JsonObject cloudEvent) => Scan(cloudEvent, "", 0);

    /// <summary>The bounds of the contract's own fields (after the schema has checked their JSON types).</summary>
    public static FieldError? CheckFields(CustomerEvent e, DateTimeOffset now, TimeSpan maxFutureSkew)
    {
        ArgumentNullException.ThrowIfNull(e);
        var data = e.Data;
        switch (e.Type)
        {
            case EventTypes.OrderCompleted:
                return Id("data.orderId", Text(data, "orderId"), MaxIdLength, optional: true)
                    ?? Amount("data.amount", data["amount"])
                    ?? Items(data["items"]);
            case EventTypes.OrderRefunded:
                return Id("data.orderId", Text(data, "orderId"), MaxIdLength, optional: true) ?? Amount("data.amount", data["amount"]);
            case EventTypes.CouponRedeemed:
                return Amount("data.amount", data["amount"]);
            case EventTypes.ReferralAccepted:
                return Id("data.referrerId", Text(data, "referrerId"), MaxIdLength, optional: true)
                    ?? Length("data.referralCode", Text(data, "referralCode"), MaxIdLength)
                    ?? Length("data.deviceId", Text(data, "deviceId"), MaxIdLength)
                    ?? Length("data.phone", Text(data, "phone"), MaxPhoneLength)
                    ?? Length("data.paymentFingerprint", Text(data, "paymentFingerprint"), MaxIdLength);
            case EventTypes.PointsAwarded or EventTypes.PointsRedeemed:
                return Range("data.points", data["points"], -MaxPoints, MaxPoints);
            case EventTypes.CheckedIn:
                return Range("data.streak", data["streak"], 0, MaxStreak);
            case EventTypes.Unsubscribed or EventTypes.ConsentChanged:
                return Id("data.channel", Text(data, "channel"), MaxChannelLength, optional: true);
            case EventTypes.Registered or EventTypes.ProfileUpdated:
                return Profile(data, now, maxFutureSkew);
            default:
                return null;
        }
    }

    /// <summary>Characters that print nothing but reorder or hide text (bidi overrides, zero-width): forged log lines and look-alike ids.</summary>
    public static bool IsInvisibleFormat(char c) =>
        c is (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u2069') or '\uFEFF' or '\u2028' or '\u2029';

    /// <summary>An IANA time zone of the embedded tz database (the one quiet hours and local times use).</summary>
    public static bool IsKnownTimeZone(string zone) => NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is not null;

    /// <summary><c>MM-dd</c> (02-29 allowed) or <c>yyyy-MM-dd</c>, a real calendar day, the year from 1900 to this year.</summary>
    public static bool IsBirthday(string text, DateTimeOffset now)
    {
        if (text.Length == 5)
        {
            return DateTime.TryParseExact("2000-" + text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
        }

        return text.Length == 10
            && DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            && day.Year >= EarliestBirthYear && day.Year <= now.Year;
    }

    private static FieldError? Profile(JsonObject data, DateTimeOffset now, TimeSpan maxFutureSkew)
    {
        var error = Length("data.name", Text(data, "name"), MaxNameLength)
            ?? Length("data.email", Text(data, "email"), MaxEmailLength)
            ?? Length("data.phone", Text(data, "phone"), MaxPhoneLength)
            ?? Length("data.locale", Text(data, "locale"), MaxLocaleLength);
        if (error is not null) return error;
        if (Text(data, "timeZone") is { } zone && !IsKnownTimeZone(zone))
        {
            return new FieldError("data.timeZone", $"unknown time zone '{StrictJson.Printable(zone)}': use an IANA name such as Asia/Shanghai or Europe/London");
        }

        if (Text(data, "birthday") is { } birthday && !IsBirthday(birthday, now))
        {
            return new FieldError("data.birthday", $"birthday '{StrictJson.Printable(birthday)}' is not a calendar day: MM-dd (e.g. 02-29) or yyyy-MM-dd from {EarliestBirthYear}");
        }

        if (data["channels"] is JsonObject channels)
        {
            foreach (var (name, value) in channels)
            {
                var field = $"data.channels.{StrictJson.Printable(name)}";
                if (Id(field, name, MaxChannelLength) is { } bad) return bad with { Message = $"channel name: {bad.Message}" };
                if (value is not JsonObject consent) continue;
                if (Length($"{field}.address", Text(consent, "address"), MaxEmailLength) is { } address) return address;
                if (Text(consent, "at") is { } at)
                {
                    if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return new FieldError($"{field}.at", $"{field}.at must be an RFC 3339 timestamp");
                    if (Window($"{field}.at", time, now, maxFutureSkew) is { } late) return late;
                }
            }
        }

        return Tags("data.tags", data["tags"]) ?? Tags("data.removeTags", data["removeTags"]) ?? Attributes(data["attributes"]);
    }

    private static FieldError? Tags(string field, JsonNode? node)
    {
        if (node is not JsonArray tags) return null;
        if (tags.Count > MaxTags) return new FieldError(field, $"{field} holds at most {MaxTags} tags");
        for (var i = 0; i < tags.Count; i++)
        {
            if (tags[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String && Id($"{field}[{i}]", v.GetValue<string>(), MaxTagLength) is { } bad) return bad;
        }

        return null;
    }

    private static FieldError? Attributes(JsonNode? node)
    {
        if (node is not JsonObject attributes) return null;
        if (attributes.Count > MaxAttributes) return new FieldError("data.attributes", $"data.attributes holds at most {MaxAttributes} attributes");
        foreach (var (name, value) in attributes)
        {
            // The profile keeps an attribute as text: a string as is, anything else as its JSON.
            var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value?.ToJsonString() ?? "";
            if (text.Length > MaxAttributeLength) return new FieldError($"data.attributes.{StrictJson.Printable(name)}", $"an attribute is at most {MaxAttributeLength} characters");
        }

        return null;
    }

    private static FieldError? Items(JsonNode? node)
    {
        if (node is not JsonArray items) return null;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject item) continue;
            var error = Amount($"data.items[{i}].price", item["price"])
                ?? Range($"data.items[{i}].quantity", item["quantity"], 0, MaxQuantity)
                ?? Range($"data.items[{i}].useCycleDays", item["useCycleDays"], 0, MaxUseCycleDays);
            if (error is not null) return error;
        }

        return null;
    }

    private static FieldError? Amount(string field, JsonNode? node)
    {
        if (Number(node) is not { } text) return null;
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount < 0 || amount > MaxAmount)
        {
            return new FieldError(field, $"{field} must be from 0 to {MaxAmount.ToString(CultureInfo.InvariantCulture)}");
        }

        return decimal.Round(amount, AmountDecimals) == amount ? null : new FieldError(field, $"{field} has at most {AmountDecimals} decimals");
    }

    private static FieldError? Range(string field, JsonNode? node, decimal min, decimal max)
    {
        if (Number(node) is not { } text) return null;
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? null
            : new FieldError(field, $"{field} must be from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
    }

    private static FieldError? Window(string field, DateTimeOffset time, DateTimeOffset now, TimeSpan maxFutureSkew)
    {
        var latest = now + maxFutureSkew;
        if (time >= EarliestTime && time <= latest) return null;
        return new FieldError(field, $"{field} must be from {EarliestTime:yyyy-MM-dd} to {latest.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} (receipt time + {maxFutureSkew.TotalHours.ToString(CultureInfo.InvariantCulture)} h)");
    }

    private static FieldError? Id(string field, string? value, int maxLength, bool optional = false)
    {
        if (value is null) return optional ? null : new FieldError(field, $"{field} is required");
        if (value.Length > maxLength) return new FieldError(field, $"{field} is longer than {maxLength} characters");
        foreach (var c in value)
        {
            if (char.IsControl(c) || IsInvisibleFormat(c)) return new FieldError(field, $"{field} holds a control or invisible character (\\u{(int)c:x4})");
        }

        return null;
    }

    private static FieldError? Length(string field, string? value, int maxLength) =>
        value is not null && value.Length > maxLength ? new FieldError(field, $"{field} is longer than {maxLength} characters") : null;

    private static FieldError? Scan(JsonNode? node, string path, int depth)
    {
        switch (node)
        {
            case JsonObject o:
                if (depth > MaxDataDepth) return new FieldError(path, $"data nests at most {MaxDataDepth} objects and arrays deep");
                foreach (var (key, value) in o)
                {
                    var field = path.Length == 0 ? StrictJson.Printable(key) : $"{path}.{StrictJson.Printable(key)}";
                    if (key.Length > MaxKeyLength) return new FieldError(field, $"a key in data is at most {MaxKeyLength} characters");
                    if (key.Any(c => char.IsControl(c) || IsInvisibleFormat(c))) return new FieldError(field, "a key in data holds a control or invisible character");
                    if (Scan(value, field, depth + 1) is { } error) return error;
                }

                return null;
            case JsonArray a:
                if (depth > MaxDataDepth) return new FieldError(path, $"data nests at most {MaxDataDepth} objects and arrays deep");
                for (var i = 0; i < a.Count; i++)
                {
                    if (Scan(a[i], $"{path}[{i}]", depth + 1) is { } error) return error;
                }

                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var text = v.GetValue<string>();
                if (text.Length > MaxTextLength) return new FieldError(path, $"{path} is longer than {MaxTextLength} characters");
                // Tab and line breaks are text (an address, a note); other control characters are not.
                return text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')) ? new FieldError(path, $"{path} holds a control character") : null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                var raw = v.ToJsonString();
                return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) && Math.Abs(x) <= MaxNumber
                    ? null
                    : new FieldError(path, $"{path} is out of range: numbers in data are at most 1e15 in size");
            default:
                return null;
        }
    }

    private static string? Number(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString() : null;

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
