namespace PrivateFlows.Workflows.Conditions;

/// <summary>A compiled expression or part of one: its value for the inputs, or <see cref="Unsupported"/>.</summary>
internal delegate object? ExpressionPart(ExpressionInputs inputs);

/// <summary>Values with a meaning to compiled expressions.</summary>
internal static class ExpressionValue
{
    /// <summary>
    /// "Ask the interpreter": a value or combination of values the compiled form does not decide the way Scriban would
    /// (e.g. a string compared with a number). The whole expression is then evaluated by the interpreter, so results
    /// (and errors) never differ.
    /// </summary>
    public static readonly object Unsupported = new();

    public static readonly object True = true;
    public static readonly object False = false;

    public static object Box(bool value) => value ? True : False;
}
