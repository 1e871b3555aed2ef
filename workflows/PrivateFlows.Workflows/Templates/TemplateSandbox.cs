using System.Collections.Concurrent;
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

    // Journeys evaluate the same few expressions and templates millions of times: parse each once.
    private const int MaxCachedTemplates = 10_000;
    private static readonly ConcurrentDictionary<(string Text, bool Expression, string Name), Template> Parsed = new();

    // Building Scriban's built-in functions costs more than evaluating a condition: build them once, read-only.
    private static readonly ScriptObject Builtins = CreateBuiltins();

    [ThreadStatic]
    private static DateTime? _now;

    // A context costs more to build than most evaluations (its stacks and member accessors): each thread keeps the one
    // of its last evaluation that ended normally, with only the built-ins pushed, and its time limit's source.
    [ThreadStatic]
    private static TemplateContext? _idleContext;

    [ThreadStatic]
    private static CancellationTokenSource? _idleTimeout;

    public static string Render(string text, ScriptObject model, string name = "template", bool strict = false)
    {
        var template = Parse(text, expression: false, name);
        return Run(template, model, strict, (t, c) => t.Render(c));
    }

    public static object? Evaluate(string expression, ScriptObject model, string name = "expression", bool strict = false)
    {
        var template = Parse(expression, expression: true, name);
        return Run(template, model, strict, (t, c) => t.Evaluate(c));
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Template, TemplateReads> ReadsOf = new();

    /// <summary>
    /// What the template (or expression) reads of the model, so the caller builds only that. A text that does not
    /// parse reads everything here; rendering it reports the error, at the moment it always did.
    /// </summary>
    internal static TemplateReads Reads(string text, bool expression, string name)
    {
        Template template;
        try
        {
            template = Parse(text, expression, name);
        }
        catch (TemplateException)
        {
            return TemplateReads.Everything;
        }

        return ReadsOf.GetValue(template, static t => t.Page is null ? TemplateReads.Everything : TemplateReads.Of(t.Page));
    }

    private static Template Parse(string text, bool expression, string name)
    {
        if (Parsed.TryGetValue((text, expression, name), out var cached)) return cached;
        var template = expression
            ? Template.Parse(text, name, lexerOptions: new LexerOptions { Mode = ScriptMode.ScriptOnly })
            : Template.Parse(text, name);
        ThrowIfErrors(template, name);
        if (Parsed.Count >= MaxCachedTemplates) Parsed.Clear();
        Parsed[(text, expression, name)] = template;
        return template;
    }

    private static ScriptObject CreateBuiltins()
    {
        var builtins = TemplateContext.GetDefaultBuiltinObject();
        // Scriban's date.now reads the machine clock; the decider must not. It gives the model's now instead.
        if (builtins["date"] is ScriptObject date)
        {
            date.SetValue("now", DelegateCustomFunction.CreateFunc(() => _now ?? throw new InvalidOperationException("date.now outside an evaluation")), true);
        }

        foreach (var value in builtins.Values)
        {
            if (value is ScriptObject o) o.IsReadOnly = true;
        }

        builtins.IsReadOnly = true;
        return builtins;
    }

    public static bool IsTrue(string expression, ScriptObject model, string name = "condition") => Truthy(Evaluate(expression, model, name));

    internal static bool Truthy(object? value)
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
        // Taken, not shared: a nested evaluation on this thread builds its own.
        var context = _idleContext ?? NewContext();
        _idleContext = null;
        var timeout = _idleTimeout ?? new CancellationTokenSource();
        _idleTimeout = null;
        timeout.CancelAfter(TimeLimit);
        context.StrictVariables = strict;
        context.CancellationToken = timeout.Token;
        // The model is read as it is; assignments a template makes land in a scratch scope above it.
        context.PushGlobal(model);
        context.PushGlobal(new ScriptObject());
        var previousNow = _now;
        _now = model["now"] as DateTime?;
        var reusable = false;
        try
        {
            var result = run(template, context);
            if (result is string s && s.Length > OutputLimit)
            {
                throw new TemplateException($"{template.SourceFilePath}: output is longer than {OutputLimit} characters");
            }

            reusable = true;
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
        finally
        {
            _now = previousNow;
            // Only a context that finished normally is in a known state; one that threw is dropped.
            if (reusable)
            {
                context.PopGlobal();
                context.PopGlobal();
                if (context.Output is StringBuilderOutput output) output.Builder.Clear();
                _idleContext = context;
            }

            if (timeout.TryReset()) _idleTimeout = timeout;
            else timeout.Dispose();
        }
    }

    private static TemplateContext NewContext() => new(Builtins)
    {
        LoopLimit = LoopLimit,
        RecursiveLimit = RecursiveLimit,
        LimitToString = OutputLimit,
        EnableRelaxedMemberAccess = true,
        TemplateLoader = null,
        RegexTimeOut = TimeSpan.FromMilliseconds(100),
        MemberRenamer = member => member.Name,
    };

    private static void ThrowIfErrors(Template template, string name)
    {
        if (template.HasErrors)
        {
            throw new TemplateException($"{name}: {string.Join("; ", template.Messages.Select(m => m.ToString()))}");
        }
    }
}
