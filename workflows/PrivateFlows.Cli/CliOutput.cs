namespace PrivateFlows.Cli;

/// <summary>Where commands write: normal output and problems.</summary>
public sealed record CliOutput(TextWriter Out, TextWriter Error);
