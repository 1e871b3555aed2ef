using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Runtime.Storage;

/// <summary>An immutable published journey version as stored: its source and templates, numbered per journey.</summary>
public sealed record PublishedJourney(
    string Name,
    int Number,
    string Version,
    string Yaml,
    IReadOnlyList<TemplateSource> Templates,
    DateTimeOffset PublishedAt,
    bool Created = false);
