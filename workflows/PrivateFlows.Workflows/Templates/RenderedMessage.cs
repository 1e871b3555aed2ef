namespace PrivateFlows.Workflows.Templates;

public sealed record RenderedMessage(string? Subject, string Body, string Locale);
