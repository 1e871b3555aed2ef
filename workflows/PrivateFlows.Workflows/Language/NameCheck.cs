using Scriban;
using Scriban.Parsing;
using Scriban.Syntax;

namespace PrivateFlows.Workflows.Language;

/// <summary>One name an expression or template reads that the model does not have; line and column are 1-based within the text.</summary>
internal sealed record UnknownName(int Line, int Column, string Message, bool IsOperator = false);

/// <summary>
/// Finds the names a Scriban expression or template reads that the model does not have (<c>customer.nmae</c>,
/// <c>customer.order.count</c>), and bit shifts written where a comparison was meant (<c>&gt;&gt;</c>). Scriban itself
/// reads an unknown member as empty, so without this a typo silently makes a condition false or a message blank.
/// </summary>
internal static class NameCheck
{
    /// <summary>
    /// Unknown names in <paramref name="text"/>. With <paramref name="checkRoots"/> an unknown top-level variable counts
    /// too (conditions); templates assign their own variables, so there only members of known names are checked.
    /// <paramref name="saveAs"/> are the journey's <c>wait_for … save_as</c> names, whose fields land in <c>vars</c>.
    /// </summary>
    public static IReadOnlyList<UnknownName> Find(string text, bool expression, bool checkRoots, IReadOnlyCollection<string> saveAs)
    {
        var template = expression
            ? Template.Parse(text, lexerOptions: new LexerOptions { Mode = ScriptMode.ScriptOnly })
            : Template.Parse(text);
        if (template.HasErrors || template.Page is null) return [];
        var found = new List<UnknownName>();
        // Explicit stack: Scriban bounds expression depth while parsing, but this must not rely on it.
        var stack = new Stack<ScriptNode>([template.Page]);
        while (stack.TryPop(out var node))
        {
            for (var i = 0; i < node.ChildrenCount; i++)
            {
                if (node.GetChildren(i) is { } child) stack.Push(child);
            }

            switch (node)
            {
                case ScriptBinaryExpression { Operator: ScriptBinaryOperator.ShiftRight or ScriptBinaryOperator.ShiftLeft } shift when expression:
                    var op = shift.Operator == ScriptBinaryOperator.ShiftRight ? ">>" : "<<";
                    var meant = op == ">>" ? "'>' or '>='" : "'<' or '<='";
                    found.Add(At(shift.OperatorToken ?? (ScriptNode)shift, $"'{op}' shifts bits, it does not compare: did you mean {meant}?") with { IsOperator = true });
                    break;
                case ScriptMemberExpression member when member.Parent is not ScriptMemberExpression parent || !ReferenceEquals(parent.Target, member):
                    CheckChain(member, saveAs, found);
                    break;
                case ScriptVariableGlobal variable when checkRoots:
                    if (IsRootOfChainOrAlone(variable) && !KnownNames.Roots.TryMember(variable.Name, out _))
                    {
                        found.Add(At(variable, $"unknown variable '{variable.Name}'{Suggestion.DidYouMean(variable.Name, KnownNames.Roots.Members)}"));
                    }

                    break;
            }
        }

        return found.OrderBy(f => f.Line).ThenBy(f => f.Column).ToList();

        // In customer.name, 'name' is a variable node too: only the root of a chain, or a variable on its own, is looked up.
        static bool IsRootOfChainOrAlone(ScriptVariableGlobal variable) =>
            variable.Parent is not ScriptMemberExpression parent || ReferenceEquals(parent.Target, variable);
    }

    private static void CheckChain(ScriptMemberExpression top, IReadOnlyCollection<string> saveAs, List<UnknownName> found)
    {
        // customer.orders.count is Member(Member(customer, orders), count): unwind it to the root.
        var chain = new List<ScriptMemberExpression>();
        ScriptExpression? current = top;
        while (current is ScriptMemberExpression m)
        {
            chain.Add(m);
            current = m.Target;
        }

        if (current is not ScriptVariableGlobal root || !KnownNames.Roots.TryMember(root.Name, out var known)) return;
        chain.Reverse();
        var path = root.Name;
        foreach (var link in chain)
        {
            if (known is null || known.Open) return;
            if (link.Member is not ScriptVariable { Name: var name }) return;
            if (path == "vars" && saveAs.Any(s => name.StartsWith(s + "_", StringComparison.Ordinal))) return;
            if (!known.TryMember(name, out var next))
            {
                var candidates = path == "vars" ? known.Members.Concat(saveAs.Select(s => s + "_…")) : known.Members;
                var hint = Suggestion.DidYouMean(name, known.Members);
                found.Add(At(link.Member, hint.Length > 0
                    ? $"'{path}' has no member '{name}'{hint}"
                    : $"'{path}' has no member '{name}'; it has {string.Join(", ", candidates.Order(StringComparer.Ordinal))}"));
                return;
            }

            known = next;
            path += "." + name;
        }
    }

    private static UnknownName At(ScriptNode node, string message) => new(node.Span.Start.Line + 1, node.Span.Start.Column + 1, message);
}
