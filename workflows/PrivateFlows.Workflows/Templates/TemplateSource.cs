namespace PrivateFlows.Workflows.Templates;

/// <summary>The text of one template in one locale, and the file it came from (for diagnostics).</summary>
public sealed record TemplateSource(string Name, string Locale, string Text, string Path = "");
