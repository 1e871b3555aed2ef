namespace PrivateFlows.Workflows.Language;

/// <summary>Stable diagnostic codes; documented in docs/journey-language.md.</summary>
public static class DiagnosticCodes
{
    public const string YamlSyntax = "PF0001";
    public const string Schema = "PF0002";
    public const string DuplicateStep = "PF0003";
    public const string UnknownStep = "PF0004";
    public const string UnreachableStep = "PF0005";
    public const string LoopWithoutWait = "PF0006";
    public const string MissingTemplate = "PF0007";
    public const string UnknownChannel = "PF0008";
    public const string BadDuration = "PF0009";
    public const string BadExpression = "PF0010";
    public const string UnknownVariable = "PF0011";
    public const string BadSplit = "PF0012";
    public const string BadReentry = "PF0013";
    public const string StepKind = "PF0014";
    public const string BadTimeOfDay = "PF0015";
    public const string BranchElse = "PF0016";
    public const string OverLimit = "PF0017";
    public const string UnknownName = "PF0018";
}
