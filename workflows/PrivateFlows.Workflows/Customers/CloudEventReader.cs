using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PrivateFlows.Workflows.Customers;

/// <summary>Reads a CloudEvents 1.0 structured JSON event; errors name the offending field.</summary>
public static class CloudEventReader
{
    public sealed record Result(CustomerEvent? Event, string? Field, string? Error)
    {
        public bool Ok => Event is not null;
    }

    public static Result Read(string json, DateTimeOffset? defaultTime = null)
    {
        try
        {
            return JsonNode.Parse(json) is JsonObject o ? Read(o, defaultTime) : new Result(null, "$", "an event must be a JSON object");
        }
        catch (JsonException e)
        {
            return new Result(null, "$", $"malformed JSON: {e.Message}");
        }
    }

    public static Result Read(JsonObject o, DateTimeOffset? defaultTime = null)
    {
        string? Text(string name) => o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        Result Fail(string field, string message) => new(null, field, message);

        if (o["specversion"] is not null && Text("specversion") != "1.0") return Fail("specversion", "specversion must be \"1.0\"");
        var id = Text("id");
        if (string.IsNullOrWhiteSpace(id)) return Fail("id", "id is required (a string, the dedupe key)");
        var type = Text("type");
        if (string.IsNullOrWhiteSpace(type)) return Fail("type", "type is required (e.g. order.completed)");
        var subject = Text("subject");
        if (string.IsNullOrWhiteSpace(subject)) return Fail("subject", "subject is required: it is the customer id");
        DateTimeOffset time;
        if (o["time"] is null)
        {
            if (defaultTime is null) return Fail("time", "time is required");
            time = defaultTime.Value;
        }
        else if (Text("time") is not { } t || !DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time))
        {
            return Fail("time", "time must be an RFC 3339 timestamp");
        }

        var data = o["data"];
        if (data is not null and not JsonObject) return Fail("data", "data must be a JSON object");
        var copy = data is null ? new JsonObject() : (JsonObject)data.DeepClone();
        return new Result(new CustomerEvent(id, type, subject, time.ToUniversalTime(), copy, Text("source") ?? "unknown"), null, null);
    }

    public static JsonObject Write(CustomerEvent e) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = e.Id,
        ["type"] = e.Type,
        ["source"] = e.Source,
        ["subject"] = e.Subject,
        ["time"] = e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        ["data"] = e.Data.DeepClone(),
    };
}
