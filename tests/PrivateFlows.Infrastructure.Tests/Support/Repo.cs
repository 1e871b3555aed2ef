using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PrivateFlows.Infrastructure.Tests.Support;

/// <summary>Paths baked in at build time (AssemblyMetadata) plus small file helpers.</summary>
internal static class Repo
{
    private static readonly Dictionary<string, string?> Metadata = typeof(Repo).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] relative) => Path.Combine([Root, .. relative]);

    /// <summary>A repository file as text.</summary>
    public static string ReadText(params string[] relative) => File.ReadAllText(PathOf(relative));

    public static JsonNode ReadJson(params string[] relative) =>
        JsonNode.Parse(ReadText(relative), documentOptions: new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = false,
        }) ?? throw new InvalidOperationException($"{Path.Combine(relative)} is JSON null");

    /// <summary>
    /// The native bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package: $(BicepPath), else
    /// the package folder's tools/bicep. Throws (never skips) when it is missing.
    /// </summary>
    public static string BicepExecutable()
    {
        var candidates = new List<string>();
        if (Metadata.TryGetValue("BicepPath", out var bicepPath) && !string.IsNullOrWhiteSpace(bicepPath))
        {
            // The package's props join with a backslash; on Linux that is a path separator only after normalising.
            candidates.Add(Path.GetFullPath(bicepPath.Replace('\\', '/')));
        }

        if (Metadata.TryGetValue("BicepPackageRoot", out var packageRoot) && !string.IsNullOrWhiteSpace(packageRoot))
        {
            candidates.Add(Path.Combine(packageRoot.Replace('\\', '/'), "tools", "bicep"));
        }

        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            "The bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 was not found (looked at: "
            + string.Join(", ", candidates.DefaultIfEmpty("<no $(BicepPath) was set at build time>"))
            + "). Run `dotnet restore` for tests/PrivateFlows.Infrastructure.Tests.");
    }

    private static string FindRoot()
    {
        if (Metadata.TryGetValue("RepoRoot", out var root) && !string.IsNullOrWhiteSpace(root)
            && File.Exists(Path.Combine(root, "PrivateFlows.sln")))
        {
            return Path.GetFullPath(root);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PrivateFlows.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Could not find the repository root (PrivateFlows.sln).");
    }
}
