namespace PrivateFlows.Workflows.Language;

/// <summary>Where something came from in a journey file (1-based line and column).</summary>
public readonly record struct SourceSpan(int Line, int Column)
{
    public static readonly SourceSpan None = new(0, 0);
    public override string ToString() => $"{Line}:{Column}";
}
