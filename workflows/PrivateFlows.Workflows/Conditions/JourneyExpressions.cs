using System.Collections.Concurrent;
using PrivateFlows.Workflows.Templates;
using static PrivateFlows.Workflows.Conditions.ExpressionValue;

namespace PrivateFlows.Workflows.Conditions;

/// <summary>
/// Evaluates journey and segment expressions: compiled once per expression text into delegates over typed inputs
/// (<see cref="ExpressionCompiler"/>), and in the template sandbox for whatever the compiled form does not cover, so
/// results and error texts are the interpreter's in every case.
/// </summary>
public static class JourneyExpressions
{
    private const int MaxCompiled = 10_000;
    private static readonly ConcurrentDictionary<string, ExpressionPart?> Compiled = new(StringComparer.Ordinal);

    public static bool IsTrue(string expression, ExpressionInputs inputs, string name = "condition")
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(inputs);
        var value = TryCompiled(expression, inputs);
        if (ReferenceEquals(value, Unsupported)) return TemplateSandbox.IsTrue(expression, inputs.Model(TemplateSandbox.Reads(expression, expression: true, name)), name);
        return TemplateSandbox.Truthy(value);
    }

    public static object? Evaluate(string expression, ExpressionInputs inputs, string name = "expression")
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(inputs);
        var value = TryCompiled(expression, inputs);
        return ReferenceEquals(value, Unsupported) ? TemplateSandbox.Evaluate(expression, inputs.Model(TemplateSandbox.Reads(expression, expression: true, name)), name) : value;
    }

    /// <summary>Whether the expression has a compiled form (it may still ask the interpreter for some values).</summary>
    public static bool IsCompiled(string expression) => Compile(expression) is not null;

    /// <summary>The compiled form's result, or <see cref="ExpressionValue.Unsupported"/> when the interpreter must decide.</summary>
    internal static object? TryCompiled(string expression, ExpressionInputs inputs)
    {
        var compiled = Compile(expression);
        if (compiled is null) return Unsupported;
        var value = compiled(inputs);
        // Only plain values leave: a list or object as the result, or an over-long text (an error in the sandbox), is the interpreter's.
        return value switch
        {
            null or bool or int or long or double or decimal or DateTime => value,
            string s when s.Length <= TemplateSandbox.OutputLimit => s,
            _ => Unsupported,
        };
    }

    private static ExpressionPart? Compile(string expression)
    {
        if (Compiled.TryGetValue(expression, out var cached)) return cached;
        var compiled = ExpressionCompiler.Compile(expression);
        if (Compiled.Count >= MaxCompiled) Compiled.Clear();
        Compiled[expression] = compiled;
        return compiled;
    }
}
