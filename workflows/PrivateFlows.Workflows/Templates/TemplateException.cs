namespace PrivateFlows.Workflows.Templates;

/// <summary>A template or expression could not be parsed or evaluated (including sandbox limits).</summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string message) : base(message) { }
    public TemplateException(string message, Exception inner) : base(message, inner) { }
    public TemplateException() { }
}
