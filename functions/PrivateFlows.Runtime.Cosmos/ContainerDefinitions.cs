using System.Reflection;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// The read model's containers as <c>containers.json</c> declares them (partition key and indexing policy per
/// container). The file is embedded in the assembly and is the one source: the code creates containers from it and
/// the Bicep template loads it with <c>loadJsonContent</c>, so the deployed indexing is the one the cost model assumes.
/// </summary>
public static class ContainerDefinitions
{
    public const string ResourceName = "PrivateFlows.Runtime.Cosmos.containers.json";

    /// <summary>The file's text, as embedded.</summary>
    public static string Json()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static IReadOnlyList<ContainerProperties> Load()
    {
        var root = JObject.Parse(Json());
        var containers = new List<ContainerProperties>();
        foreach (var (name, value) in root)
        {
            if (name.StartsWith('$') || value is not JObject container) continue;
            var partitionKey = (string?)container["partitionKey"] ?? throw new InvalidOperationException($"containers.json: '{name}' has no partitionKey");
            // The SDK's IndexingPolicy carries the service's JSON names, so the file's policy deserializes as it is.
            var policy = container["indexingPolicy"]?.ToObject<IndexingPolicy>(JsonSerializer.CreateDefault()) ?? new IndexingPolicy();
            containers.Add(new ContainerProperties(name, partitionKey) { IndexingPolicy = policy });
        }

        return containers;
    }
}
