using Scriban;
using Scriban.Parsing;
using Scriban.Syntax;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Templates;

/// <summary>
/// Runs Scriban templates and expressions with the limits a marketer-editable template needs:
/// no includes from disk, loop and recursion limits, capped output and a wall-clock limit.
/// </summary>
public static class TemplateSandbox
{
    public const int LoopLimit = 1_000;
    public const int RecursiveLimit = 20;
    public const int OutputLimit = 4_000;
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(1);

    public static string Render(string text, ScriptObject model, string name = "template", bool strict = false)
    {
        var template = Template.Parse(text, name);
        ThrowIfErrors(template, name);
        return Run(template, model, strict, (t, c) => t.Render(c));
    }

    public static object? Evaluate(string expression, ScriptObject model, string name = "expression", bool strict = false)
    {
        var template = Template.Parse(expression, name, lexerOptions: new LexerOptions { Mode = ScriptMode.ScriptOnly });
        ThrowIfErrors(template, name);
        return Run(template, model, strict, (t, c) => t.Evaluate(c));
    }

    public static bool IsTrue(string expression, ScriptObject model, string name = "condition") => Truthy(Evaluate(expression, model, name));

    /// <summary>Parses an expression once, for callers that evaluate it many times (e.g. named segments).</summary>
    internal static Template ParseExpression(string expression, string name)
    {
        var template = Template.Parse(expression, name, lexerOptions: new LexerOptions { Mode = ScriptMode.ScriptOnly });
        ThrowIfErrors(template, name);
        return template;
    }

    /// <summary>Evaluates an expression parsed by <see cref="ParseExpression"/> as a condition, under the same limits.</summary>
    internal static bool IsTrue(Template expression, ScriptObject model) => Truthy(Run(expression, model, false, (t, c) => t.Evaluate(c)));

    private static bool Truthy(object? value)
    {
        return value switch
        {
            null => false,
            bool b => b,
            string s => s.Length > 0,
            _ => true,
        };
    }

    /// <summary>Parse-only check, for validation.</summary>
    public static string? ParseError(string text, bool expression)
    {
        var template = expression
            ? Template.Parse(text, lexerOptions: new LexerOptions { Mode = ScriptMode.ScriptOnly })
            : Template.Parse(text);
        return template.HasErrors ? string.Join("; ", template.Messages.Select(m => m.Message)) : null;
    }

    private static T Run<T>(Template template, ScriptObject model, bool strict, Func<Template, TemplateContext, T> run)
    {
        using var timeout = new CancellationTokenSource(TimeLimit);
        var globals = new ScriptObject();
        globals.Import(model);
        if (globals["now"] is DateTime now)
        {
            // Scriban's date.now reads the machine clock; the decider must not. It gives the model's now instead.
            var date = new Scriban.Functions.DateTimeFunctions();
            date.SetValue("now", DelegateCustomFunction.CreateFunc(() => now), true);
            globals["date"] = date;
        }
        var context = new TemplateContext
        {
            LoopLimit = LoopLimit,
            RecursiveLimit = RecursiveLimit,
            LimitToString = OutputLimit,
            StrictVariables = strict,
            EnableRelaxedMemberAccess = true,
            TemplateLoader = null,
            RegexTimeOut = TimeSpan.FromMilliseconds(100),
            CancellationToken = timeout.Token,
            MemberRenamer = member => member.Name,
        };
        context.PushGlobal(globals);
        try
        {
            var result = run(template, context);
            if (result is string s && s.Length > OutputLimit)
            {
                throw new TemplateException($"{template.SourceFilePath}: output is longer than {OutputLimit} characters");
            }

            return result;
        }
        catch (ScriptAbortException e)
        {
            throw new TemplateException($"{template.SourceFilePath}: stopped after {TimeLimit.TotalSeconds:0}s", e);
        }
        catch (ScriptRuntimeException e)
        {
            throw new TemplateException($"{template.SourceFilePath}: {e.OriginalMessage} at {e.Span.Start.Line + 1}:{e.Span.Start.Column + 1}", e);
        }
        catch (OperationCanceledException e)
        {
            throw new TemplateException($"{template.SourceFilePath}: stopped after {TimeLimit.TotalSeconds:0}s", e);
        }
    }

    private static void ThrowIfErrors(Template template, string name)
    {
        if (template.HasErrors)
        {
            throw new TemplateException($"{name}: {string.Join("; ", template.Messages.Select(m => m.ToString()))}");
        }
    }
}
