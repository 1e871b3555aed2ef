using System.Text;

namespace PrivateFlows.Infrastructure.Tests.Support;

/// <summary>
/// Reads the object literals out of a compiled ARM expression such as
/// <c>[union(createObject('A', parameters('a'), 'B', 'b'), if(cond, createObject('C', 'c'), createObject()))]</c>:
/// bicep compiles an object built with union() or a conditional into one expression string, and the tests
/// still need to see which keys it can hold and what each key is set to.
/// </summary>
internal static class ArmExpression
{
    /// <summary>Each createObject(...) call in order of appearance: its keys with their (unevaluated) value expressions.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ObjectLiterals(string expression)
    {
        var objects = new List<IReadOnlyDictionary<string, string>>();
        const string call = "createObject(";
        for (var at = expression.IndexOf(call, StringComparison.Ordinal); at >= 0; at = expression.IndexOf(call, at + 1, StringComparison.Ordinal))
        {
            var arguments = Arguments(expression, at + call.Length);
            var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < arguments.Count; i += 2)
            {
                pairs[Unquote(arguments[i])] = arguments[i + 1];
            }

            objects.Add(pairs);
        }

        return objects;
    }

    /// <summary>A string literal ('x', with '' for a quote) as its text; anything else unchanged.</summary>
    public static string Unquote(string argument) =>
        argument.Length >= 2 && argument[0] == '\'' && argument[^1] == '\''
            ? argument[1..^1].Replace("''", "'", StringComparison.Ordinal)
            : argument;

    /// <summary>The top-level, comma-separated arguments of the call whose '(' ends just before <paramref name="start"/>.</summary>
    private static List<string> Arguments(string text, int start)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                current.Append(c);
                if (c == '\'')
                {
                    if (i + 1 < text.Length && text[i + 1] == '\'')
                    {
                        current.Append(text[++i]);
                    }
                    else
                    {
                        inString = false;
                    }
                }

                continue;
            }

            switch (c)
            {
                case '\'':
                    inString = true;
                    current.Append(c);
                    break;
                case '(' or '[':
                    depth++;
                    current.Append(c);
                    break;
                case ')' or ']' when depth == 0:
                    if (current.Length > 0 || arguments.Count > 0)
                    {
                        arguments.Add(current.ToString().Trim());
                    }

                    return arguments;
                case ')' or ']':
                    depth--;
                    current.Append(c);
                    break;
                case ',' when depth == 0:
                    arguments.Add(current.ToString().Trim());
                    current.Clear();
                    break;
                default:
                    current.Append(c);
                    break;
            }
        }

        throw new FormatException($"Unbalanced ARM expression: {text}");
    }
}
