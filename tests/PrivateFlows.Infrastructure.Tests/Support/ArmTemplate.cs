using System.Text.Json.Nodes;

namespace PrivateFlows.Infrastructure.Tests.Support;

/// <summary>A resource of the compiled template, with the module (nested deployment) it sits in.</summary>
internal sealed record ArmResource(string Module, JsonObject Node)
{
    public string Type => Node["type"]!.GetValue<string>();

    public string Name => Node["name"]!.GetValue<string>();

    public JsonObject Properties => Node["properties"] as JsonObject ?? [];

    public string Json => Node.ToJsonString();

    public override string ToString() => $"{Module}: {Type} {Name}";
}

internal static class ArmTemplate
{
    /// <summary>Every resource of the template and of every nested deployment (module), depth first.</summary>
    public static IReadOnlyList<ArmResource> AllResources(JsonObject template)
    {
        var all = new List<ArmResource>();
        Collect(template, "main", all);
        return all;
    }

    public static IReadOnlyList<ArmResource> OfType(JsonObject template, string type) =>
        AllResources(template).Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    public static ArmResource Single(JsonObject template, string type)
    {
        var matches = OfType(template, type);
        matches.Should().ContainSingle($"the template should declare exactly one {type}");
        return matches[0];
    }

    /// <summary>The nested deployment (module) resource named <paramref name="module"/> in main.</summary>
    public static ArmResource Module(JsonObject template, string module) =>
        AllResources(template).Single(r =>
            r.Module == "main"
            && r.Type == "Microsoft.Resources/deployments"
            && r.Name == module);

    /// <summary>The value (literal or expression) main passes to a module parameter.</summary>
    public static string? ModuleParameter(JsonObject template, string module, string parameter) =>
        Module(template, module).Properties["parameters"]?[parameter]?["value"] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            var other => other.ToJsonString(),
        };

    private static void Collect(JsonObject template, string module, List<ArmResource> all)
    {
        IEnumerable<JsonNode?> resources = template["resources"] switch
        {
            JsonArray array => array,
            JsonObject byName => byName.Select(p => p.Value),
            _ => [],
        };

        foreach (var node in resources.OfType<JsonObject>())
        {
            var resource = new ArmResource(module, node);
            all.Add(resource);
            if (resource.Type == "Microsoft.Resources/deployments" && resource.Properties["template"] is JsonObject nested)
            {
                Collect(nested, resource.Name, all);
            }
        }
    }
}
