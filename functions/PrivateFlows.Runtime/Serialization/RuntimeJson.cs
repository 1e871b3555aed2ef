using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace PrivateFlows.Runtime.Serialization;

/// <summary>
/// The one JSON shape of the runtime, for documents in the store and for the HTTP API: camelCase, enums as
/// snake_case strings, effects and inputs polymorphic with a <c>$type</c> discriminator.
/// The workflows records carry no serializer attributes, so polymorphism is configured here.
/// </summary>
public static class RuntimeJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions());

    /// <summary>Applies the runtime's settings to existing options (e.g. ASP.NET Core's HTTP JSON options).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers = { PolymorphicTypes.Apply, ComputedProperties.Drop },
        };
        return options;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"null where a {typeof(T).Name} was expected");
}
