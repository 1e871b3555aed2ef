using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PrivateFlows.Functions.CustomHandler;

/// <summary>
/// The Functions host's invocation of a non-HTTP function: <c>{"Data": {&lt;binding&gt;: payload}, "Metadata": {…}}</c>.
/// Read tolerantly, because the host's encoding varies with trigger, extension and version: key names in any case,
/// scalar metadata as JSON values or as strings that hold JSON (<c>"SessionId": "\"cust-1\""</c>,
/// <c>"DeliveryCount": "1"</c>), objects as objects or as JSON text. Unknown keys are ignored.
/// </summary>
public sealed class InvocationRequest
{
    private const int MaxNesting = 3;

    private InvocationRequest(JsonObject data, JsonObject metadata)
    {
        Data = data;
        Metadata = metadata;
    }

    public JsonObject Data { get; }

    public JsonObject Metadata { get; }

    /// <summary>Parses the invocation body; a body that is not a JSON object yields null.</summary>
    public static InvocationRequest? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            if (JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 128 }) is not JsonObject root) return null;
            var data = Get(root, "Data") as JsonObject ?? AsObject(Get(root, "Data")) ?? [];
            var metadata = Get(root, "Metadata") as JsonObject ?? AsObject(Get(root, "Metadata")) ?? [];
            return new InvocationRequest(data, metadata);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The payload of the named binding; when the binding is not there and Data holds exactly one item, that one.</summary>
    public JsonNode? Binding(string name)
    {
        var node = Get(Data, name);
        if (node is not null) return node;
        return Data.Count == 1 ? Data.First().Value : null;
    }

    /// <summary>A scalar metadata value as text (JSON strings unwrapped, as often as they are wrapped).</summary>
    public string? Text(string key) => TextOf(Get(Metadata, key));

    public long? Number(string key)
    {
        var node = Get(Metadata, key);
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n)) return n;
        if (node is JsonValue d && d.GetValueKind() == JsonValueKind.Number && d.TryGetValue<double>(out var x) && x is >= long.MinValue and <= long.MaxValue) return (long)x;
        return long.TryParse(TextOf(node), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    /// <summary>An object in the metadata (e.g. <c>UserProperties</c>), given as an object or as JSON text.</summary>
    public JsonObject? Object(string key) => AsObject(Get(Metadata, key));

    /// <summary>The first of the keys present as text.</summary>
    public string? FirstText(params string[] keys) => keys.Select(Text).FirstOrDefault(t => !string.IsNullOrEmpty(t));

    /// <summary>A property by name: the exact name first, else the first one equal ignoring case.</summary>
    public static JsonNode? Get(JsonObject? o, string name)
    {
        if (o is null) return null;
        if (o.TryGetPropertyValue(name, out var exact)) return exact;
        foreach (var (key, value) in o)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value;
        }

        return null;
    }

    public static string? TextOf(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                var text = value.GetValue<string>();
                for (var i = 0; i < MaxNesting && text.Length >= 2 && text[0] == '"' && text[^1] == '"'; i++)
                {
                    try
                    {
                        text = JsonSerializer.Deserialize<string>(text) ?? "";
                    }
                    catch (JsonException)
                    {
                        break;
                    }
                }

                return text;
            case JsonValueKind.Number:
            case JsonValueKind.True:
            case JsonValueKind.False:
                return value.ToJsonString();
            default:
                return null;
        }
    }

    private static JsonObject? AsObject(JsonNode? node)
    {
        if (node is JsonObject o) return o;
        var text = TextOf(node);
        if (string.IsNullOrWhiteSpace(text)) return null;
        for (var i = 0; i < MaxNesting; i++)
        {
            try
            {
                switch (JsonNode.Parse(text))
                {
                    case JsonObject parsed:
                        return parsed;
                    case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                        text = v.GetValue<string>();
                        continue;
                    default:
                        return null;
                }
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// The message body as a JSON object: given as an object, as JSON text, as JSON text of JSON text (parsed up to
    /// three times), or as base64 of UTF-8 JSON (a binary body). Raw is the body's text, unwrapped as far as it went
    /// (for the poison list).
    /// </summary>
    public static (JsonObject? Body, string Raw, string? Error) MessageBody(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return (null, "", "the invocation has no message (Data.message is missing)");
            case JsonObject o:
                return (o, o.ToJsonString(), null);
            case JsonArray a:
                return (null, a.ToJsonString(), "a message must hold one CloudEvent object, not an array");
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return (null, node.ToJsonString(), "the message body is not a JSON object");
        }

        var text = value.GetValue<string>();
        for (var i = 0; i < MaxNesting; i++)
        {
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException e)
            {
                if (i == 0 && FromBase64(text) is { } decoded)
                {
                    text = decoded;
                    continue;
                }

                return (null, text, $"the message body is not JSON: {e.Message}");
            }

            switch (parsed)
            {
                case JsonObject o:
                    return (o, text, null);
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    text = v.GetValue<string>();
                    continue;
                default:
                    return (null, text, "the message body is not a JSON object");
            }
        }

        return (null, text, "the message body is JSON text nested too deeply");
    }

    private static string? FromBase64(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length < 4 || trimmed.Length % 4 != 0) return null;
        var buffer = new byte[trimmed.Length * 3 / 4];
        if (!Convert.TryFromBase64String(trimmed, buffer, out var written)) return null;
        try
        {
            var decoded = new UTF8Encoding(false, true).GetString(buffer, 0, written);
            return decoded.TrimStart().StartsWith('{') ? decoded : null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
