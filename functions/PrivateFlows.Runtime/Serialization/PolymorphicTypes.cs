using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Serialization;

/// <summary>
/// Makes <see cref="Effect"/> and <see cref="DecisionInput"/> polymorphic: every concrete subtype found in the
/// workflows assembly is written with <c>"$type": "snake_case_name"</c>, so a new effect needs no change here.
/// </summary>
internal static class PolymorphicTypes
{
    public const string Discriminator = "$type";

    private static readonly Type[] BaseTypes = [typeof(Effect), typeof(DecisionInput)];
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<JsonDerivedType>> Derived = new();

    public static void Apply(JsonTypeInfo info)
    {
        if (Array.IndexOf(BaseTypes, info.Type) < 0) return;
        var options = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = Discriminator,
            UnknownDerivedTypeHandling = System.Text.Json.Serialization.JsonUnknownDerivedTypeHandling.FailSerialization,
        };
        foreach (var derived in Derived.GetOrAdd(info.Type, Find)) options.DerivedTypes.Add(derived);
        info.PolymorphismOptions = options;
    }

    public static string NameOf(Type type) => JsonNamingPolicy.SnakeCaseLower.ConvertName(type.Name);

    private static IReadOnlyList<JsonDerivedType> Find(Type baseType) =>
        baseType.Assembly.GetExportedTypes()
            .Where(t => t is { IsAbstract: false, IsClass: true } && baseType.IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new JsonDerivedType(t, NameOf(t)))
            .ToList();
}
