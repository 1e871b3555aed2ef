using System.Diagnostics;
using System.Globalization;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;
using Xunit.Abstractions;

namespace PrivateFlows.Workflows.Tests.Fuzzing;

/// <summary>
/// Fuzzes the journey language: mutated built-in journeys (see <see cref="JourneyMutator"/>) go through parse and
/// validate, which must never throw, must place every diagnostic inside the input, and must stay within a time and
/// memory budget per input. A fixed seed and a fixed number of inputs make a run reproducible; set
/// <c>PRIVATEFLOWS_FUZZ_ITERATIONS</c> (and optionally <c>PRIVATEFLOWS_FUZZ_SEED</c>) for a longer run.
/// </summary>
public class JourneyFuzzTests(ITestOutputHelper output)
{
    public const int DefaultIterations = 1_000;
    public const int DefaultSeed = 20261206;
    private static readonly TimeSpan TimePerInput = TimeSpan.FromSeconds(2);
    private const long BytesPerInput = 512L * 1024 * 1024;

    [Fact]
    public void ParseAndValidate_MutatedBuiltInJourneys_OnlyDiagnosticsInsideTheInputWithinBudget()
    {
        var iterations = Setting("PRIVATEFLOWS_FUZZ_ITERATIONS", DefaultIterations);
        var seed = Setting("PRIVATEFLOWS_FUZZ_SEED", DefaultSeed);
        var journeys = Directory.EnumerateFiles(RepoRoot.Journeys, "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();
        var templates = JourneyLoader.ReadTemplates(RepoRoot.Templates);
        var mutator = new JourneyMutator(journeys, templates, seed);
        JourneyLoader.Load("warm-up.yaml", journeys[0], templates); // schema and Scriban start-up are not an input's cost

        var failures = new List<string>();
        var diagnostics = 0;
        var loaded = 0;
        var slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        var ran = 0;
        for (var i = 0; i < iterations && failures.Count < 5; i++)
        {
            ran++;
            var input = mutator.Next();
            var problem = Check(input, out var result, out var elapsed);
            slowest = elapsed > slowest ? elapsed : slowest;
            if (problem is not null)
            {
                failures.Add($"input {i} (seed {seed}; {input.Mutations}): {problem}");
                File.WriteAllText(Path.Combine(Path.GetTempPath(), $"privateflows-fuzz-{seed}-{i}.yaml"), input.Yaml);
                continue;
            }

            diagnostics += result!.Diagnostics.Count;
            loaded += result.Journeys.Count;
        }

        output.WriteLine($"{ran} of {iterations} inputs (seed {seed}) in {total.Elapsed.TotalSeconds:0.0} s: {loaded} loaded, {diagnostics} diagnostics, slowest {slowest.TotalMilliseconds:0} ms");
        failures.Should().BeEmpty($"the inputs are kept in the temp folder as privateflows-fuzz-<seed>-<n>.yaml (the run stops at 5 failures):{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    /// <summary>Null when the input is handled well; else what went wrong.</summary>
    internal static string? Check(FuzzInput input, out LoadResult? result, out TimeSpan elapsed)
    {
        result = null;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        try
        {
            result = JourneyLoader.Load("fuzz.yaml", input.Yaml, input.Templates);
        }
        catch (Exception e)
        {
            elapsed = watch.Elapsed;
            return $"threw {e.GetType().Name}: {e.Message}{Environment.NewLine}{e.StackTrace}";
        }

        elapsed = watch.Elapsed;
        if (elapsed > TimePerInput) return $"took {elapsed.TotalMilliseconds:0} ms";
        var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        if (bytes > BytesPerInput) return $"allocated {bytes / 1024 / 1024} MB";
        if (result.Journeys.Count == 0 && !result.HasErrors) return "neither loaded nor refused with an error";
        foreach (var d in result.Diagnostics)
        {
            var text = d.Path == "fuzz.yaml" ? input.Yaml : input.Templates.FirstOrDefault(t => t.Path == d.Path || $"templates/{t.Name}.{t.Locale}.sbn" == d.Path)?.Text;
            if (text is null) return $"diagnostic for an unknown file: {d}";
            if (!Inside(text, d.At)) return $"diagnostic outside the input ({Lines(text).Length} lines): {d}";
        }

        return null;
    }

    /// <summary>Line within the text, column within that line (one past its end allowed: errors at the end of a line or file).</summary>
    internal static bool Inside(string text, SourceSpan at)
    {
        var lines = Lines(text);
        return at.Line >= 1 && at.Line <= lines.Length && at.Column >= 1 && at.Column <= lines[at.Line - 1].Length + 1;
    }

    /// <summary>Lines as YAML (1.1, as YamlDotNet reads it) counts them: \r\n, \r, \n, NEL, LS and PS each end one.</summary>
    private static string[] Lines(string text) => System.Text.RegularExpressions.Regex.Split(text, "\r\n|[\r\n\u0085\u2028\u2029]");

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
