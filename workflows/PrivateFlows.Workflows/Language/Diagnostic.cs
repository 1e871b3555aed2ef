namespace PrivateFlows.Workflows.Language;

public enum Severity { Error, Warning }

/// <summary>One problem found in a journey or template, printed as <c>path:line:col: error CODE: message</c>.</summary>
public sealed record Diagnostic(string Path, SourceSpan At, Severity Severity, string Code, string Message)
{
    public bool IsError => Severity == Severity.Error;

    public override string ToString() =>
        $"{Path}:{At.Line}:{At.Column}: {(IsError ? "error" : "warning")} {Code}: {Message}";
}
