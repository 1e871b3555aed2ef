using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Language;

/// <summary>Reads journey files and their templates, validates them and builds <see cref="JourneyVersion"/>s.</summary>
public static class JourneyLoader
{
    /// <summary>Loads every <c>*.yaml</c> in a directory (templates from its <c>templates/</c> folder).</summary>
    public static LoadResult LoadDirectory(string directory) => throw new NotImplementedException();

    /// <summary>Loads one journey file; templates come from <c>templates/</c> beside it.</summary>
    public static LoadResult LoadFile(string path) => throw new NotImplementedException();

    /// <summary>Parses and validates YAML text with the given templates (used by publish over HTTP).</summary>
    public static LoadResult Load(string path, string yaml, IEnumerable<TemplateSource> templates) => throw new NotImplementedException();
}

/// <summary>Valid journeys and every diagnostic (errors make the journey absent from <see cref="Journeys"/>).</summary>
public sealed record LoadResult(IReadOnlyList<JourneyVersion> Journeys, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
