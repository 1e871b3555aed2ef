using System.Globalization;
using System.Text.Json.Nodes;
using Scriban;
using Scriban.Functions;
using Scriban.Parsing;
using Scriban.Syntax;
using PrivateFlows.Workflows.Templates;
using static PrivateFlows.Workflows.Conditions.ExpressionValue;

namespace PrivateFlows.Workflows.Conditions;

/// <summary>
/// Translates the part of Scriban's expression language journeys and segments use into delegates over
/// <see cref="ExpressionInputs"/>: member paths on customer/event/entry/vars/journey/now, literals, comparisons,
/// <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, <c>??</c>, parentheses, <c>array.contains</c> and <c>string.starts_with</c>.
/// Anything else is not compiled (null), and at run time any combination of values whose outcome is not certain to
/// be Scriban's gives <see cref="ExpressionValue.Unsupported"/>; both mean "the interpreter evaluates it".
/// </summary>
internal sealed class ExpressionCompiler(string source)
{
    public static ExpressionPart? Compile(string expression)
    {
        var template = Template.Parse(expression, "compiled", lexerOptions: new LexerOptions { Mode = ScriptMode.ScriptOnly });
        if (template.HasErrors || template.Page?.Body is not { } body || body.Statements.Count != 1) return null;
        return body.Statements[0] is ScriptExpressionStatement { Expression: { } e } ? new ExpressionCompiler(expression).Node(e) : null;
    }

    private ExpressionPart? Node(ScriptExpression? e) => e switch
    {
        null => null,
        ScriptNestedExpression nested => Node(nested.Expression),
        ScriptLiteral literal => Literal(literal.Value),
        ScriptVariableGlobal variable => Path(e),
        ScriptMemberExpression member => Path(e) ?? Member(member),
        ScriptUnaryExpression { Operator: ScriptUnaryOperator.Not } not => Not(not.Right),
        ScriptBinaryExpression binary => Binary(binary),
        ScriptFunctionCall call => Call(call, piped: null),
        ScriptPipeCall pipe => Pipe(pipe),
        _ => null,
    };

    private static ExpressionPart? Literal(object? value)
    {
        if (value is not (null or string or bool or int or long or double or decimal)) return null;
        return _ => value;
    }

    /// <summary>A chain of member names from a global variable (<c>customer.orders.count</c>).</summary>
    private ExpressionPart? Path(ScriptExpression? e)
    {
        var names = new List<string>();
        while (e is ScriptMemberExpression member)
        {
            if (member.Member is not ScriptVariable name) return null;
            if (member.DotToken is { } dot && dot.Value != ".") return null; // ?. reads a member of nothing as nothing: interpreted
            names.Add(name.Name);
            e = member.Target;
            while (e is ScriptNestedExpression nested) e = nested.Expression;
        }

        if (e is not ScriptVariableGlobal root) return null;
        names.Reverse();
        return ModelPaths.Compile(root.Name, names);
    }

    /// <summary>A member of a computed value (<c>(entry.data.items | array.first)?.quantity</c>): JSON objects only.</summary>
    private ExpressionPart? Member(ScriptMemberExpression member)
    {
        if (member.Member is not ScriptVariable { Name: var name }) return null;
        var target = Node(member.Target);
        if (target is null) return null;
        var nullConditional = member.DotToken is { } dot && dot.Value != ".";
        return i => target(i) switch
        {
            null => nullConditional ? null : Unsupported, // a member of nothing: nothing with ?., an error without
            ModelPaths.JsonPart { Node: JsonObject o } => ModelPaths.FromJson(o.TryGetPropertyValue(name, out var child) ? child : null),
            _ => Unsupported,
        };
    }

    private ExpressionPart? Not(ScriptExpression? operand)
    {
        var inner = Node(operand);
        if (inner is null) return null;
        return i => Truth(inner(i)) switch
        {
            { } b => Box(!b),
            null => Unsupported,
        };
    }

    /// <summary>Scriban's truth of a value inside an expression (<c>&amp;&amp;</c>, <c>||</c>, <c>!</c>): only null and false are false.</summary>
    private static bool? Truth(object? value) => value switch
    {
        null => false,
        bool b => b,
        _ when ReferenceEquals(value, Unsupported) => null,
        _ => true,
    };

    private ExpressionPart? Binary(ScriptBinaryExpression binary)
    {
        var left = Node(binary.Left);
        var right = Node(binary.Right);
        if (left is null || right is null) return null;
        var op = binary.Operator;
        switch (op)
        {
            case ScriptBinaryOperator.And:
                return i =>
                {
                    var l = Truth(left(i));
                    if (l is null) return Unsupported;
                    if (!l.Value) return False;
                    return Truth(right(i)) is { } r ? Box(r) : Unsupported;
                };
            case ScriptBinaryOperator.Or:
                return i =>
                {
                    var l = Truth(left(i));
                    if (l is null) return Unsupported;
                    if (l.Value) return True;
                    return Truth(right(i)) is { } r ? Box(r) : Unsupported;
                };
            case ScriptBinaryOperator.EmptyCoalescing:
                return i =>
                {
                    // Scriban evaluates both sides before choosing.
                    var l = left(i);
                    var r = right(i);
                    if (ReferenceEquals(l, Unsupported) || ReferenceEquals(r, Unsupported)) return Unsupported;
                    return l ?? r;
                };
            case ScriptBinaryOperator.CompareEqual:
            case ScriptBinaryOperator.CompareNotEqual:
            case ScriptBinaryOperator.CompareLess:
            case ScriptBinaryOperator.CompareLessOrEqual:
            case ScriptBinaryOperator.CompareGreater:
            case ScriptBinaryOperator.CompareGreaterOrEqual:
                return i =>
                {
                    var l = left(i);
                    var r = right(i);
                    return Compare(op, l, r);
                };
            case ScriptBinaryOperator.Multiply:
                return i => Multiply(left(i), right(i));
            default:
                return null;
        }
    }

    /// <summary>Scriban's product of two whole numbers (the smallest of int, long that holds it) or of decimals; anything else is Unsupported.</summary>
    internal static object Multiply(object? l, object? r)
    {
        if (l is int or long && r is int or long)
        {
            var product = (System.Numerics.BigInteger)Convert.ToInt64(l, CultureInfo.InvariantCulture) * Convert.ToInt64(r, CultureInfo.InvariantCulture);
            if (product >= int.MinValue && product <= int.MaxValue) return (int)product;
            if (product >= long.MinValue && product <= long.MaxValue) return (long)product;
            return Unsupported;
        }

        if ((l is decimal || r is decimal) && ToDecimal(l, out var ld) && ToDecimal(r, out var rd))
        {
            try
            {
                return ld * rd;
            }
            catch (OverflowException)
            {
                return Unsupported; // Scriban reports it
            }
        }

        return Unsupported;
    }

    /// <summary>A comparison as Scriban makes it, for the value types whose rules are plain; anything else is Unsupported.</summary>
    internal static object Compare(ScriptBinaryOperator op, object? l, object? r)
    {
        if (ReferenceEquals(l, Unsupported) || ReferenceEquals(r, Unsupported)) return Unsupported;
        if (l is string || r is string)
        {
            // Scriban compares the texts of both sides; only string and null have a text here without formatting rules.
            if (l is not (null or string) || r is not (null or string)) return Unsupported;
            var ls = (string?)l;
            var rs = (string?)r;
            // Scriban marks texts at its output limit with "..." before comparing them.
            if (ls?.Length >= TemplateSandbox.OutputLimit || rs?.Length >= TemplateSandbox.OutputLimit) return Unsupported;
            switch (op)
            {
                case ScriptBinaryOperator.CompareEqual: return Box(ls == rs);
                case ScriptBinaryOperator.CompareNotEqual: return Box(ls != rs);
            }

            if (ls is null || rs is null) return Unsupported; // Scriban fails or has its own rule here; let it decide
            var order = string.CompareOrdinal(ls, rs); // Scriban 7 compares texts ordinally (the property test pins it)
            return Box(Ordered(op, order));
        }

        if (l is null && r is null)
        {
            return Box(op is ScriptBinaryOperator.CompareEqual);
        }

        if (l is null || r is null)
        {
            // One side null: only != is true.
            return IsPlain(l ?? r) ? Box(op is ScriptBinaryOperator.CompareNotEqual) : Unsupported;
        }

        if (l is bool lb && r is bool rb)
        {
            return op switch
            {
                ScriptBinaryOperator.CompareEqual => Box(lb == rb),
                ScriptBinaryOperator.CompareNotEqual => Box(lb != rb),
                _ => Unsupported,
            };
        }

        if (l is decimal || r is decimal)
        {
            if (!ToDecimal(l, out var ld) || !ToDecimal(r, out var rd)) return Unsupported;
            return Box(Ordered(op, ld.CompareTo(rd)));
        }

        if (l is double || r is double)
        {
            if (!ToDouble(l, out var ldd) || !ToDouble(r, out var rdd) || double.IsNaN(ldd) || double.IsNaN(rdd)) return Unsupported;
            return Box(Ordered(op, ldd.CompareTo(rdd)));
        }

        if (l is int or long && r is int or long)
        {
            return Box(Ordered(op, Convert.ToInt64(l, CultureInfo.InvariantCulture).CompareTo(Convert.ToInt64(r, CultureInfo.InvariantCulture))));
        }

        return Unsupported;
    }

    private static bool IsPlain(object? value) => value is null or string or bool or int or long or double or decimal or DateTime;

    private static bool ToDecimal(object? value, out decimal d)
    {
        switch (value)
        {
            case decimal x: d = x; return true;
            case int x: d = x; return true;
            case long x: d = x; return true;
            default: d = 0; return false;
        }
    }

    private static bool ToDouble(object? value, out double d)
    {
        switch (value)
        {
            case double x: d = x; return true;
            case int x: d = x; return true;
            case long x: d = x; return true;
            default: d = 0; return false;
        }
    }

    private static bool Ordered(ScriptBinaryOperator op, int order) => op switch
    {
        ScriptBinaryOperator.CompareEqual => order == 0,
        ScriptBinaryOperator.CompareNotEqual => order != 0,
        ScriptBinaryOperator.CompareLess => order < 0,
        ScriptBinaryOperator.CompareLessOrEqual => order <= 0,
        ScriptBinaryOperator.CompareGreater => order > 0,
        ScriptBinaryOperator.CompareGreaterOrEqual => order >= 0,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private ExpressionPart? Pipe(ScriptPipeCall pipe)
    {
        if (ReadsOnlyNow(pipe)) return NowFunction(pipe);
        var from = Node(pipe.From);
        if (from is null) return null;
        return pipe.To switch
        {
            ScriptFunctionCall call => Call(call, from),
            ScriptMemberExpression function => Function(function, [from]),
            _ => null,
        };
    }

    /// <summary><c>now | date.to_string "%FT%TZ"</c>: a date function of <c>now</c> and literals only.</summary>
    private static bool ReadsOnlyNow(ScriptPipeCall pipe)
    {
        if (pipe.From is not ScriptVariableGlobal { Name: "now" }) return false;
        var (function, arguments) = pipe.To switch
        {
            ScriptFunctionCall call => (call.Target as ScriptMemberExpression, call.Arguments.ToList()),
            ScriptMemberExpression member => (member, []),
            _ => (null, []),
        };
        return function is { Target: ScriptVariableGlobal { Name: "date" }, Member: ScriptVariable } && arguments.All(a => a is ScriptLiteral);
    }

    /// <summary>
    /// A function of <c>now</c> alone (date formatting) is the interpreter's own result, computed once per instant: it
    /// needs only <c>now</c>, not the customer's model, and every expression of a decision shares the instant.
    /// </summary>
    private ExpressionPart NowFunction(ScriptPipeCall pipe)
    {
        var text = source.Substring(pipe.Span.Start.Offset, pipe.Span.End.Offset - pipe.Span.Start.Offset + 1);
        NowValue? last = null;
        return i =>
        {
            var now = i.Now.UtcDateTime;
            if (Volatile.Read(ref last) is { } known && known.Now == now) return known.Value;
            object? value;
            try
            {
                value = TemplateSandbox.Evaluate(text, new Scriban.Runtime.ScriptObject { ["now"] = now }, "now");
            }
            catch (TemplateException)
            {
                return Unsupported; // the whole expression is interpreted, and fails there with its own text
            }

            if (value is not (null or string or bool or int or long or double or decimal or DateTime)) return Unsupported;
            Volatile.Write(ref last, new NowValue(now, value));
            return value;
        };
    }

    private sealed record NowValue(DateTime Now, object? Value);

    private ExpressionPart? Call(ScriptFunctionCall call, ExpressionPart? piped)
    {
        if (call.Target is not ScriptMemberExpression function) return null;
        var arguments = new List<ExpressionPart>();
        if (piped is not null) arguments.Add(piped);
        foreach (var argument in call.Arguments)
        {
            var compiled = Node(argument);
            if (compiled is null) return null;
            arguments.Add(compiled);
        }

        return Function(function, arguments);
    }

    private ExpressionPart? Function(ScriptMemberExpression function, List<ExpressionPart> arguments)
    {
        if (function.Target is not ScriptVariableGlobal { Name: var module } || function.Member is not ScriptVariable { Name: var name }) return null;
        if (module == "array" && name == "first" && arguments.Count == 1)
        {
            var list = arguments[0];
            return i => list(i) switch
            {
                ModelPaths.JsonPart { Node: JsonArray a } => a.Count == 0 ? null : ModelPaths.FromJson(a[0]),
                null => null, // the first of nothing is nothing
                _ => Unsupported,
            };
        }

        if (arguments.Count != 2) return null;
        var (first, second) = (arguments[0], arguments[1]);
        return (module, name) switch
        {
            ("array", "contains") => i =>
            {
                var list = first(i);
                var item = second(i);
                // Lists here hold strings; a string item is found by equal text.
                if (list is not ModelPaths.StringList strings || item is not string text || text.Length >= TemplateSandbox.OutputLimit) return Unsupported;
                foreach (var s in strings.Items)
                {
                    if (string.Equals(s, text, StringComparison.Ordinal)) return True;
                }

                return False;
            },
            ("string", "starts_with") => i =>
            {
                var text = first(i);
                var prefix = second(i);
                if (text is not (null or string) || prefix is not (null or string)) return Unsupported;
                return Box(StringFunctions.StartsWith((string?)text!, (string?)prefix!));
            },
            _ => null,
        };
    }
}
