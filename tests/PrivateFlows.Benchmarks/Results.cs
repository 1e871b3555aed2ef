using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateFlows.Benchmarks;

/// <summary>One measured number.</summary>
public sealed record Metric(string Section, string Name, double Value, string Unit, string? Note = null);

/// <summary>A goal from issue 10 and whether this run met it.</summary>
public sealed record Goal(string Name, string Target, double Actual, string Unit, bool Met, string? Note = null);

/// <summary>Everything a run measured; written as bench-results.json and bench-results.md.</summary>
public sealed class Results
{
    private readonly object _gate = new();

    public required string Mode { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }
    public required string Machine { get; init; }
    public required string Durability { get; init; }
    public List<Metric> Metrics { get; } = [];
    public List<Goal> Goals { get; } = [];
    public List<string> Notes { get; } = [];
    public List<string> Failures { get; } = [];
    public Dictionary<string, object> Details { get; } = new(StringComparer.Ordinal);

    public void Add(string section, string name, double value, string unit, string? note = null)
    {
        lock (_gate) Metrics.Add(new Metric(section, name, Math.Round(value, 3), unit, note));
        Console.WriteLine($"  [{section}] {name}: {Format(value)} {unit}{(note is null ? "" : $"  ({note})")}");
    }

    public void AddGoal(string name, string target, double actual, string unit, bool met, string? note = null)
    {
        lock (_gate) Goals.Add(new Goal(name, target, Math.Round(actual, 3), unit, met, note));
        Console.WriteLine($"  GOAL {name}: {Format(actual)} {unit} (target {target}) → {(met ? "met" : "MISSED")}");
    }

    public void Note(string note)
    {
        lock (_gate) Notes.Add(note);
        Console.WriteLine($"  note: {note}");
    }

    public double? Find(string section, string name) => Metrics.LastOrDefault(m => m.Section == section && m.Name == name)?.Value;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Write(string folder)
    {
        lock (_gate)
        {
            File.WriteAllText(Path.Combine(folder, "bench-results.json"), JsonSerializer.Serialize(this, Json));
            File.WriteAllText(Path.Combine(folder, "bench-results.md"), Markdown());
        }
    }

    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# PrivateFlows benchmark results ({Mode})");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- started {StartedAt:yyyy-MM-dd HH:mm} UTC, took {((FinishedAt ?? DateTimeOffset.UtcNow) - StartedAt).TotalMinutes:F1} min");
        md.AppendLine(CultureInfo.InvariantCulture, $"- machine: {Machine}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- durability: {Durability}");
        md.AppendLine();
        md.AppendLine("## Goals");
        md.AppendLine();
        md.AppendLine("| goal | target | measured | met |");
        md.AppendLine("|---|---|---|---|");
        foreach (var g in Goals) md.AppendLine(CultureInfo.InvariantCulture, $"| {g.Name} | {g.Target} | {Format(g.Actual)} {g.Unit}{(g.Note is null ? "" : $" ({g.Note})")} | {(g.Met ? "yes" : "**no**")} |");
        foreach (var section in Metrics.Select(m => m.Section).Distinct())
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"## {section}");
            md.AppendLine();
            md.AppendLine("| measurement | value | unit | note |");
            md.AppendLine("|---|---:|---|---|");
            foreach (var m in Metrics.Where(m => m.Section == section)) md.AppendLine(CultureInfo.InvariantCulture, $"| {m.Name} | {Format(m.Value)} | {m.Unit} | {m.Note ?? ""} |");
        }

        if (Notes.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Notes");
            md.AppendLine();
            foreach (var n in Notes) md.AppendLine(CultureInfo.InvariantCulture, $"- {n}");
        }

        if (Failures.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Failures");
            md.AppendLine();
            foreach (var f in Failures) md.AppendLine(CultureInfo.InvariantCulture, $"- {f}");
        }

        return md.ToString();
    }

    public static string Format(double value) =>
        Math.Abs(value) >= 100 ? value.ToString("#,0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("0.0", CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);
}
