using System.Text.Json;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// Reads only <c>$.state.profile</c> out of a stored customer document's JSON (KPIs and audience counts read every
/// customer's profile). The profile is the document's first property, so only the start of the document is
/// decompressed (<see cref="CompressedJson.ReadPrefix{T, TState}"/>) and nothing else is deserialised.
/// </summary>
internal static class CustomerProfiles
{
    public static bool TryRead(ReadOnlySpan<byte> prefix, bool complete, JsonSerializerOptions options, out CustomerProfile profile)
    {
        profile = null!;
        var reader = new Utf8JsonReader(prefix, isFinalBlock: complete, state: default);
        if (!reader.Read()) return false;
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a customer document is not a JSON object");
        if (MoveTo(ref reader, "state"u8) is not { } state) return false;
        if (!state || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a customer document without state");
        if (MoveTo(ref reader, "profile"u8) is not { } found) return false;
        if (!found) throw new JsonException("a customer document without a profile");
        var start = reader.TokenStartIndex;
        if (!reader.TrySkip()) return false;
        profile = JsonSerializer.Deserialize<CustomerProfile>(prefix[(int)start..(int)reader.BytesConsumed], options)
            ?? throw new JsonException("null where a customer profile was expected");
        return true;
    }

    /// <summary>
    /// Moves to the value of <paramref name="name"/> in the object the reader is at the start of, skipping the others:
    /// true there, false if the object has no such property, null if the prefix ends first.
    /// </summary>
    private static bool? MoveTo(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        while (true)
        {
            if (!reader.Read()) return null;
            if (reader.TokenType != JsonTokenType.PropertyName) return false;
            var found = reader.ValueTextEquals(name);
            if (!reader.Read()) return null;
            if (found) return true;
            if (!reader.TrySkip()) return null;
        }
    }
}
