using System.Text;
using System.Text.Json;

namespace PrivateFlows.Host.Events;

/// <summary>
/// Checks a body before it becomes a <see cref="System.Text.Json.Nodes.JsonNode"/>: valid UTF-8, well-formed JSON,
/// no duplicate keys and no lone surrogates (<c>"\ud800"</c>). <c>JsonNode</c> only notices the last two lazily, when a
/// value is read, and then throws; this pass finds them up front so the producer gets a 400 naming the field.
/// </summary>
public static class StrictJson
{
    public const int MaxDepth = 64;

    public static FieldError? Check(ReadOnlySpan<byte> utf8)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8)) return new FieldError("$", $"the body is not valid UTF-8 (first bad byte at offset {FirstInvalidByte(utf8)})");
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var frames = new Stack<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        frames.Push(new Frame(PathOfValue(frames), reader.TokenType == JsonTokenType.StartObject));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.Pop();
                        ValueDone(frames);
                        break;
                    case JsonTokenType.PropertyName:
                        var frame = frames.Peek();
                        frame.Property = null;
                        var name = Text(ref reader, frame.Path); // the key cannot be printed: name the object that holds it
                        if (name.Error is not null) return name.Error;
                        frame.Property = name.Value;
                        if (!frame.Names!.Add(name.Value!)) return new FieldError(PathOfValue(frames), $"duplicate key '{Printable(name.Value!)}'");
                        break;
                    case JsonTokenType.String:
                        var text = Text(ref reader, PathOfValue(frames));
                        if (text.Error is not null) return text.Error;
                        ValueDone(frames);
                        break;
                    default:
                        ValueDone(frames);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            return new FieldError("$", $"malformed JSON: {e.Message}");
        }

        return null;
    }

    /// <summary>Text safe for a problem detail or a log line: control characters shown as <c>\uXXXX</c>, cut at 100 characters.</summary>
    public static string Printable(string value)
    {
        var sb = new StringBuilder(Math.Min(value.Length, 100));
        foreach (var c in value.Length > 100 ? value[..100] : value)
        {
            if (char.IsControl(c) || char.IsSurrogate(c) || EventBounds.IsInvisibleFormat(c)) sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else sb.Append(c);
        }

        return value.Length > 100 ? sb.Append('…').ToString() : sb.ToString();
    }

    private static (string? Value, FieldError? Error) Text(ref Utf8JsonReader reader, string field)
    {
        try
        {
            return (reader.GetString(), null);
        }
        catch (InvalidOperationException)
        {
            // Valid UTF-8 was checked first, so this is an escaped lone surrogate: not text in any encoding.
            return (null, new FieldError(field.Length == 0 ? "$" : field, "invalid text: a lone UTF-16 surrogate (\\ud800-\\udfff without its pair)"));
        }
    }

    private static void ValueDone(Stack<Frame> frames)
    {
        if (frames.Count == 0) return;
        var parent = frames.Peek();
        if (parent.IsObject) parent.Property = null;
        else parent.Index++;
    }

    private static string PathOfValue(Stack<Frame> frames)
    {
        if (frames.Count == 0) return "";
        var parent = frames.Peek();
        if (!parent.IsObject) return $"{parent.Path}[{parent.Index}]";
        var name = Printable(parent.Property ?? "");
        return parent.Path.Length == 0 ? name : $"{parent.Path}.{name}";
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        var offset = 0;
        while (offset < utf8.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }

        return offset;
    }

    private sealed class Frame(string path, bool isObject)
    {
        public string Path { get; } = path;
        public bool IsObject { get; } = isObject;
        public HashSet<string>? Names { get; } = isObject ? new HashSet<string>(StringComparer.Ordinal) : null;
        public string? Property { get; set; }
        public int Index { get; set; }
    }
}
