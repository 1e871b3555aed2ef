using System.Text.Json;
using System.Text.Json.Nodes;

namespace PrivateFlows.Infrastructure.Tests.Support;

internal sealed record BicepDiagnostic(string RuleId, string Level, string Message, string Location)
{
    public override string ToString() => $"{Location}: {Level} {RuleId}: {Message}";
}

/// <summary>
/// Builds and lints infra/main.bicep once per test run with the bicep CLI from NuGet (offline,
/// --no-restore) and keeps the compiled ARM template and every diagnostic. Diagnostics are read as
/// SARIF because bicep reports warnings with exit code 0.
/// </summary>
public sealed class BicepFixture : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _outputDirectory;

    public BicepFixture()
    {
        Executable = Repo.BicepExecutable();
        MainBicep = Repo.PathOf("infra", "main.bicep");
        _outputDirectory = Directory.CreateTempSubdirectory("privateflows-bicep-").FullName;
        var compiled = Path.Combine(_outputDirectory, "main.json");

        Build = ProcessRunner.Run(
            Executable,
            ["build", MainBicep, "--no-restore", "--outfile", compiled, "--diagnostics-format", "sarif"],
            Repo.Root,
            Timeout);
        BuildDiagnostics = ParseSarif(Build.StandardError, Build.StandardOutput);

        Lint = ProcessRunner.Run(
            Executable,
            ["lint", MainBicep, "--diagnostics-format", "sarif"],
            Repo.Root,
            Timeout);
        LintDiagnostics = ParseSarif(Lint.StandardOutput, Lint.StandardError);

        Template = File.Exists(compiled)
            ? JsonNode.Parse(File.ReadAllText(compiled)) as JsonObject
            : null;
    }

    public string Executable { get; }

    public string MainBicep { get; }

    internal ProcessResult Build { get; }

    internal ProcessResult Lint { get; }

    internal IReadOnlyList<BicepDiagnostic> BuildDiagnostics { get; }

    internal IReadOnlyList<BicepDiagnostic> LintDiagnostics { get; }

    /// <summary>The compiled ARM template, or null when the build produced none.</summary>
    public JsonObject? Template { get; }

    public JsonObject RequireTemplate() =>
        Template ?? throw new InvalidOperationException($"bicep build produced no template:{Environment.NewLine}{Build}");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_outputDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    /// <summary>
    /// Every SARIF result is a diagnostic (warnings have no level, errors say "error"); output that is
    /// not SARIF but mentions a warning or error is reported as one too, so nothing slips through.
    /// </summary>
    private static List<BicepDiagnostic> ParseSarif(string sarifStream, string otherStream)
    {
        var diagnostics = new List<BicepDiagnostic>();
        var text = sarifStream.Trim();
        if (text.Length > 0)
        {
            JsonNode? sarif = null;
            try
            {
                sarif = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                diagnostics.Add(new BicepDiagnostic("unparsed", "error", text, "bicep output"));
            }

            foreach (var run in sarif?["runs"]?.AsArray() ?? [])
            {
                foreach (var result in run?["results"]?.AsArray() ?? [])
                {
                    var region = result?["locations"]?[0]?["physicalLocation"];
                    var location = $"{region?["artifactLocation"]?["uri"]}({region?["region"]?["startLine"]})";
                    diagnostics.Add(new BicepDiagnostic(
                        result?["ruleId"]?.GetValue<string>() ?? "?",
                        result?["level"]?.GetValue<string>() ?? "warning",
                        result?["message"]?["text"]?.GetValue<string>() ?? "",
                        location));
                }
            }
        }

        foreach (var line in otherStream.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.Contains("Warning", StringComparison.OrdinalIgnoreCase) || line.Contains("Error", StringComparison.OrdinalIgnoreCase))
            {
                diagnostics.Add(new BicepDiagnostic("console", "warning", line, "bicep console output"));
            }
        }

        return diagnostics;
    }
}

[CollectionDefinition(Name)]
public sealed class BicepCollection : ICollectionFixture<BicepFixture>
{
    public const string Name = "bicep";
}
