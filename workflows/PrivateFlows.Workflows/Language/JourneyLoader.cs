using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Language;

/// <summary>Reads journey files and their templates, validates them and builds <see cref="JourneyVersion"/>s.</summary>
public static class JourneyLoader
{
    public const string TemplateFolder = "templates";
    public const string TemplateExtension = ".sbn";

    /// <summary>Loads every <c>*.yaml</c> in a directory (templates from its <c>templates/</c> folder).</summary>
    public static LoadResult LoadDirectory(string directory)
    {
        var files = Directory.EnumerateFiles(directory, "*.yaml").Concat(Directory.EnumerateFiles(directory, "*.yml")).Order(StringComparer.Ordinal);
        return Merge(files.Select(LoadFile));
    }

    /// <summary>Loads one journey file; templates come from <c>templates/</c> beside it.</summary>
    public static LoadResult LoadFile(string path)
    {
        var yaml = File.ReadAllText(path);
        var folder = Path.Combine(Path.GetDirectoryName(path) ?? ".", TemplateFolder);
        return Load(path, yaml, ReadTemplates(folder));
    }

    /// <summary>Every <c>name.locale.sbn</c> file in a folder.</summary>
    public static IReadOnlyList<TemplateSource> ReadTemplates(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, "*" + TemplateExtension)
            .Order(StringComparer.Ordinal)
            .Select(file => (file, parts: Path.GetFileNameWithoutExtension(file).Split('.')))
            .Where(x => x.parts.Length >= 2)
            .Select(x => new TemplateSource(string.Join('.', x.parts[..^1]), x.parts[^1], File.ReadAllText(x.file), x.file))
            .ToList();
    }

    /// <summary>Parses and validates YAML text with the given templates (used by publish over HTTP).</summary>
    public static LoadResult Load(string path, string yaml, IEnumerable<TemplateSource> templates) =>
        Load(path, yaml, templates, CancellationToken.None);

    /// <summary>
    /// As <see cref="Load(string, string, IEnumerable{TemplateSource})"/>; reading the YAML stops with a PF0017 diagnostic
    /// when <paramref name="cancellation"/> fires (e.g. the HTTP request is aborted) or after <see cref="JourneyLimits.TimeLimit"/>.
    /// </summary>
    public static LoadResult Load(string path, string yaml, IEnumerable<TemplateSource> templates, CancellationToken cancellation) =>
        Load(path, yaml, templates, unknownNamesAreErrors: true, cancellation);

    /// <summary>
    /// Reloads a version that was already published (e.g. the host's catalog at start-up): unknown names in conditions
    /// are warnings rather than errors, because versions published before that check existed keep running as they did.
    /// New content goes through <see cref="Load(string, string, IEnumerable{TemplateSource})"/>.
    /// </summary>
    public static LoadResult LoadPublished(string path, string yaml, IEnumerable<TemplateSource> templates) =>
        Load(path, yaml, templates, unknownNamesAreErrors: false, CancellationToken.None);

    private static LoadResult Load(string path, string yaml, IEnumerable<TemplateSource> templates, bool unknownNamesAreErrors, CancellationToken cancellation)
    {
        var (definition, diagnostics) = JourneyParser.Parse(path, yaml, cancellation);
        if (definition is null || diagnostics.Any(d => d.IsError)) return new LoadResult([], diagnostics);
        var list = templates.ToList();
        var all = diagnostics.Concat(JourneyValidator.Validate(definition, list, unknownNamesAreErrors)).ToList();
        if (all.Any(d => d.IsError)) return new LoadResult([], all);
        var used = definition.Steps.OfType<SendStep>().Select(s => s.Template).Append(MessageRenderer.MarketingPartial).ToHashSet(StringComparer.Ordinal);
        return new LoadResult([JourneyVersion.Create(definition, yaml, list.Where(t => used.Contains(t.Name)))], all);
    }

    private static LoadResult Merge(IEnumerable<LoadResult> results)
    {
        var list = results.ToList();
        return new LoadResult([.. list.SelectMany(r => r.Journeys)], [.. list.SelectMany(r => r.Diagnostics)]);
    }
}

/// <summary>Valid journeys and every diagnostic (errors make the journey absent from <see cref="Journeys"/>).</summary>
public sealed record LoadResult(IReadOnlyList<JourneyVersion> Journeys, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
