using PrivateFlows.Workflows.Templates;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;

namespace PrivateFlows.Cli.Commands;

/// <summary>A value a template prints that came out empty in a preview, with its 1-based position in the template.</summary>
internal sealed record BlankValue(string Name, int Line, int Column);

/// <summary>
/// Finds the values a template prints (<c>{{ vars.coupon_amount }}</c>) that are empty for the preview's customer,
/// event and variables, so <c>render</c> can say so instead of showing a message with holes. A value with a
/// fallback (<c>customer.name ?? "亲"</c>) is not blank.
/// </summary>
internal static class BlankValues
{
    private static readonly HashSet<string> Roots = new(StringComparer.Ordinal) { "customer", "event", "entry", "vars", "journey" };

    public static IReadOnlyList<BlankValue> Find(string text, ScriptObject model)
    {
        var template = Template.Parse(text);
        if (template.HasErrors || template.Page is null) return [];
        var found = new List<BlankValue>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<ScriptNode>([template.Page]);
        while (stack.TryPop(out var node))
        {
            for (var i = 0; i < node.ChildrenCount; i++)
            {
                if (node.GetChildren(i) is { } child) stack.Push(child);
            }

            if (node is not ScriptMemberExpression member || member.Parent is ScriptMemberExpression { Target: var target } && ReferenceEquals(target, member)) continue;
            if (member.Parent is ScriptBinaryExpression { Operator: ScriptBinaryOperator.EmptyCoalescing } coalesce && ReferenceEquals(coalesce.Left, member)) continue;
            var root = member.Target;
            while (root is ScriptMemberExpression m) root = m.Target;
            if (root is not ScriptVariableGlobal { Name: var rootName } || !Roots.Contains(rootName)) continue;
            var name = member.ToString();
            if (!seen.Add(name)) continue;
            object? value;
            try
            {
                value = TemplateSandbox.Evaluate(name, model);
            }
            catch (TemplateException)
            {
                value = null;
            }

            if (value is null || value is string { Length: 0 }) found.Add(new BlankValue(name, member.Span.Start.Line + 1, member.Span.Start.Column + 1));
        }

        return [.. found.OrderBy(b => b.Line).ThenBy(b => b.Column)];
    }
}
