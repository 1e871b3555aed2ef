using System.Text.Json;

namespace PrivateFlows.Runtime.Serialization;

/// <summary>
/// An enum's snake_case names, as the runtime's <c>JsonStringEnumConverter</c> writes them, for the hand-written
/// document reader and writer. A value without a name, or a spelling the converter also accepts (other case, a
/// number), goes to the converter itself.
/// </summary>
internal static class SnakeCaseEnum<T>
    where T : struct, Enum
{
    private static readonly T[] Values = Enum.GetValues<T>();
    private static readonly JsonEncodedText[] Names = [.. Values.Select(v => JsonEncodedText.Encode(JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString())))];

    public static void Write(Utf8JsonWriter writer, T value)
    {
        var i = Array.IndexOf(Values, value);
        if (i >= 0) writer.WriteStringValue(Names[i]);
        else JsonSerializer.Serialize(writer, value, StoredDocumentFormat.Options);
    }

    public static T Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            for (var i = 0; i < Names.Length; i++)
            {
                if (reader.ValueTextEquals(Names[i].EncodedUtf8Bytes)) return Values[i];
            }
        }

        return JsonSerializer.Deserialize<T>(ref reader, StoredDocumentFormat.Options);
    }
}
