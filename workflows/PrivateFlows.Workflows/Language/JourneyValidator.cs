using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Templates;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Language;

/// <summary>Semantic checks across a parsed journey and its templates; each problem points at the YAML or template line.</summary>
public static partial class JourneyValidator
{
    /// <summary>Locales every built-in and marketer journey is expected to carry.</summary>
    public static readonly IReadOnlyList<string> ExpectedLocales = ["zh-CN", "en"];

    public static IReadOnlyList<Diagnostic> Validate(JourneyDefinition journey, IEnumerable<TemplateSource> templates) =>
        Validate(journey, templates, unknownNamesAreErrors: true);

    /// <summary>
    /// With <paramref name="unknownNamesAreErrors"/> false, unknown names and bit shifts in conditions (PF0018, and PF0010
    /// for '&gt;&gt;') are warnings: for versions published before these checks existed, which must keep loading.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Validate(JourneyDefinition journey, IEnumerable<TemplateSource> templates, bool unknownNamesAreErrors)
    {
        var d = new List<Diagnostic>();
        var path = journey.Path;
        void Add(SourceSpan at, Severity severity, string code, string message) => d.Add(new Diagnostic(path, at, severity, code, message));

        // Step ids and references.
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in journey.Steps)
        {
            if (!ids.Add(step.Id)) Add(step.At, Severity.Error, DiagnosticCodes.DuplicateStep, $"step id '{step.Id}' is used twice");
        }

        foreach (var step in journey.Steps)
        {
            if (step.Next is not null && !ids.Contains(step.Next))
            {
                Add(step.NextAt, Severity.Error, DiagnosticCodes.UnknownStep, $"step '{step.Id}' goes next to '{step.Next}', which is not a step of this journey{Suggestion.DidYouMean(step.Next, ids)}");
            }

            foreach (var (target, at) in step.Targets())
            {
                if (!ids.Contains(target)) Add(at, Severity.Error, DiagnosticCodes.UnknownStep, $"step '{step.Id}' refers to '{target}', which is not a step of this journey{Suggestion.DidYouMean(target, ids)}");
            }
        }

        CheckReachability(journey, d);
        CheckLoops(journey, d);

        // Step options.
        var templateList = templates.ToList();
        var saveAs = journey.Steps.OfType<WaitForStep>().Select(w => w.SaveAs).OfType<string>().ToList();
        foreach (var step in journey.Steps)
        {
            switch (step)
            {
                case SendStep send:
                    if (!Channels.All.Contains(send.Channel))
                    {
                        Add(send.ChannelAt, Severity.Error, DiagnosticCodes.UnknownChannel, $"unknown channel '{send.Channel}' (use one of {string.Join(", ", Channels.All)})");
                    }

                    var locales = templateList.Where(t => t.Name == send.Template).Select(t => t.Locale).ToHashSet(StringComparer.Ordinal);
                    if (locales.Count == 0)
                    {
                        Add(send.TemplateAt, Severity.Error, DiagnosticCodes.MissingTemplate, $"template '{send.Template}' not found (expected templates/{send.Template}.<locale>.sbn)");
                    }
                    else
                    {
                        foreach (var missing in ExpectedLocales.Where(l => !locales.Contains(l)))
                        {
                            Add(send.TemplateAt, Severity.Warning, DiagnosticCodes.MissingTemplate, $"template '{send.Template}' has no {missing} version; customers in {missing} get another language");
                        }
                    }

                    break;
                case WaitStep wait:
                    Expression(wait.DaysExpression, journey.ValueAt(wait.KindAt, "days"));
                    if (wait.Duration is null && wait.DaysExpression is null)
                    {
                        Add(wait.KindAt, Severity.Error, DiagnosticCodes.BadDuration, "a wait needs a duration or 'days'");
                    }

                    break;
                case WaitUntilStep until:
                    Expression(until.DateExpression, journey.ValueAt(until.KindAt, "date"));
                    break;
                case WaitForStep waitFor:
                    Expression(waitFor.Condition, journey.ValueAt(waitFor.KindAt, "condition"));
                    foreach (var (field, expression) in waitFor.Match) Expression(expression, journey.ValueAt(waitFor.KindAt, $"match.{field}"));
                    break;
                case BranchStep branch:
                    for (var i = 0; i < branch.Cases.Length; i++)
                    {
                        var c = branch.Cases[i];
                        if (c.When is null && i != branch.Cases.Length - 1)
                        {
                            Add(c.At, Severity.Error, DiagnosticCodes.BranchElse, $"'else' must be the last case of branch '{branch.Id}'");
                        }

                        Expression(c.When, c.WhenAt);
                    }

                    if (branch.Cases.Length > 0 && branch.Cases[^1].When is not null)
                    {
                        Add(branch.KindAt, Severity.Warning, DiagnosticCodes.BranchElse, $"branch '{branch.Id}' has no 'else'; when no case matches, the next step in the file runs");
                    }

                    break;
                case SplitStep split:
                    if (split.Holdout is < 0 or > 100)
                    {
                        Add(split.KindAt, Severity.Error, DiagnosticCodes.BadSplit, $"holdout must be a percentage from 0 to 100, not {split.Holdout}");
                    }

                    if (split.Variants.Sum(v => v.Weight) <= 0)
                    {
                        Add(split.KindAt, Severity.Error, DiagnosticCodes.BadSplit, "split variants need a positive total weight");
                    }

                    if (split.Variants.Select(v => v.Name).Distinct(StringComparer.Ordinal).Count() != split.Variants.Length)
                    {
                        Add(split.KindAt, Severity.Error, DiagnosticCodes.BadSplit, "split variant names must be unique");
                    }

                    break;
                case AwardPointsStep points when !long.TryParse(points.Points, out _):
                    Expression(points.Points, journey.ValueAt(points.KindAt, "points"));
                    break;
                case SetAttributeStep attribute:
                    Expression(attribute.Value, journey.ValueAt(attribute.KindAt, "value"));
                    break;
                case ReferralRewardStep reward:
                    Expression(reward.HoldWhen, journey.ValueAt(reward.KindAt, "hold_when"));
                    break;
            }
        }

        Expression(journey.Entry.Condition, journey.ValueAt(journey.Entry.At, "condition"));
        Expression(journey.Entry.Segment, journey.ValueAt(journey.Entry.At, "segment"));
        if (journey.Goal is not null) Expression(journey.Goal.Condition, journey.ValueAt(journey.Goal.At, "condition"));
        foreach (var exit in journey.Exits) Expression(exit.Condition, journey.ValueAt(exit.At, "condition"));

        CheckTemplates(journey, templateList, saveAs, d);
        return d;

        void Expression(string? text, SourceSpan at)
        {
            if (text is null) return;
            var error = TemplateSandbox.ParseError(text, expression: true);
            if (error is not null)
            {
                Add(at, Severity.Error, DiagnosticCodes.BadExpression, $"'{Shorten(text)}' is not a valid expression: {Shorten(error, 300)}");
                return;
            }

            // A typo in a condition reads as empty, so the condition is silently false: refuse it.
            foreach (var unknown in NameCheck.Find(text, expression: true, checkRoots: true, saveAs))
            {
                Add(at, unknownNamesAreErrors ? Severity.Error : Severity.Warning, unknown.IsOperator ? DiagnosticCodes.BadExpression : DiagnosticCodes.UnknownName, $"in '{Shorten(text)}': {unknown.Message}");
            }
        }
    }

    /// <summary>Long text (a hostile 40 KB condition) is quoted by its start, so one diagnostic stays one readable line.</summary>
    private static string Shorten(string text, int max = 120) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");

    private static void CheckReachability(JourneyDefinition journey, List<Diagnostic> d)
    {
        if (journey.Steps.IsEmpty) return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Step>([journey.Steps[0]]);
        while (queue.TryDequeue(out var step))
        {
            if (!seen.Add(step.Id)) continue;
            foreach (var next in Successors(journey, step))
            {
                var target = journey.FindStep(next);
                if (target is not null) queue.Enqueue(target);
            }
        }

        foreach (var step in journey.Steps.Where(s => !seen.Contains(s.Id)))
        {
            d.Add(new Diagnostic(journey.Path, step.At, Severity.Warning, DiagnosticCodes.UnreachableStep, $"step '{step.Id}' can never run: no step leads to it"));
        }
    }

    /// <summary>Every step that can run right after <paramref name="step"/>.</summary>
    internal static IEnumerable<string> Successors(JourneyDefinition journey, Step step)
    {
        if (step is EndStep) yield break;
        var hasElse = step is BranchStep b && b.Cases.Any(c => c.When is null);
        var fallsThrough = step is not SplitStep && !hasElse;
        if (fallsThrough && journey.DefaultNext(step) is { } next) yield return next;
        foreach (var (target, _) in step.Targets()) yield return target;
    }

    private static void CheckLoops(JourneyDefinition journey, List<Diagnostic> d)
    {
        // A cycle made only of non-waiting steps would spin forever within one decision. Depth-first search with an
        // explicit stack: a journey may have thousands of steps, and this runs on the host's request threads.
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var first in journey.Steps)
        {
            if (first.Waits || state.ContainsKey(first.Id)) continue;
            var stack = new Stack<(Step Step, IEnumerator<string> Next)>();
            state[first.Id] = 1;
            stack.Push((first, Successors(journey, first).GetEnumerator()));
            while (stack.TryPeek(out var top))
            {
                if (!top.Next.MoveNext())
                {
                    state[top.Step.Id] = 2;
                    top.Next.Dispose();
                    stack.Pop();
                    continue;
                }

                if (journey.FindStep(top.Next.Current) is not { Waits: false } target) continue;
                if (state.TryGetValue(target.Id, out var s))
                {
                    if (s == 1 && reported.Add(target.Id))
                    {
                        d.Add(new Diagnostic(journey.Path, target.At, Severity.Error, DiagnosticCodes.LoopWithoutWait, $"step '{target.Id}' is part of a loop with no wait; add a wait, wait_until or wait_for inside the loop"));
                    }

                    continue;
                }

                state[target.Id] = 1;
                stack.Push((target, Successors(journey, target).GetEnumerator()));
            }
        }
    }

    private static void CheckTemplates(JourneyDefinition journey, List<TemplateSource> templates, List<string> saveAs, List<Diagnostic> d)
    {
        var used = journey.Steps.OfType<SendStep>().Select(s => s.Template).Append(MessageRenderer.MarketingPartial).ToHashSet(StringComparer.Ordinal);
        var sample = SampleModel(journey);
        foreach (var template in templates.Where(t => used.Contains(t.Name)))
        {
            var path = string.IsNullOrEmpty(template.Path) ? $"templates/{template.Name}.{template.Locale}.sbn" : template.Path;
            var (subject, body, offset) = FrontMatter.Split(template.Text);
            // Scriban places an error at the end of input at line 0: keep every position inside the file.
            void AddAt(SourceSpan at, Severity severity, string code, string message) =>
                d.Add(new Diagnostic(path, TextLines.Clamp(template.Text, at), severity, code, message));
            foreach (var (text, lineOffset) in new[] { (subject, 1), (body, offset) })
            {
                if (text is null) continue;
                var parseError = TemplateSandbox.ParseError(text, expression: false);
                if (parseError is not null)
                {
                    // Scriban's message text carries no position; its parser messages do (0-based).
                    var first = Scriban.Template.Parse(text).Messages.FirstOrDefault(m => m.Type == Scriban.Parsing.ParserMessageType.Error);
                    var at = first is null ? new SourceSpan(1 + lineOffset, 1)
                        : first.Span.Start.Line < 0 ? SourceSpan.None // at the end of input
                        : new SourceSpan(first.Span.Start.Line + 1 + lineOffset, first.Span.Start.Column + 1);
                    AddAt(at, Severity.Error, DiagnosticCodes.BadExpression, $"template does not parse: {parseError}");
                    continue;
                }

                try
                {
                    var model = new ScriptObject();
                    model.Import(sample);
                    model["body"] = "";
                    model["subject"] = "";
                    TemplateSandbox.Render(text, model, path, strict: true);
                }
                catch (TemplateException e) when (e.InnerException is Scriban.Syntax.ScriptRuntimeException runtime)
                {
                    var at = new SourceSpan(runtime.Span.Start.Line + 1 + lineOffset, runtime.Span.Start.Column + 1);
                    var isUnknown = runtime.OriginalMessage.Contains("not found", StringComparison.OrdinalIgnoreCase);
                    // The sample model has no event data, so a runtime error here may just be data that only real
                    // events carry: warn (the send faults visibly and can be retried) rather than refuse the journey.
                    var isLimit = runtime.OriginalMessage.Contains("limit", StringComparison.OrdinalIgnoreCase);
                    AddAt(at, isLimit ? Severity.Error : Severity.Warning, isUnknown ? DiagnosticCodes.UnknownVariable : DiagnosticCodes.BadExpression,
                        isUnknown ? $"{runtime.OriginalMessage}; it renders as empty"
                        : isLimit ? runtime.OriginalMessage
                        : $"{runtime.OriginalMessage} with sample data; guard it (e.g. ?. or ??) if the field can be missing");
                }
                catch (TemplateException e)
                {
                    AddAt(new SourceSpan(1 + lineOffset, 1), Severity.Error, DiagnosticCodes.BadExpression, e.Message);
                }

                // A misspelt member renders as empty without any runtime error: name it (a warning, as for unknown variables).
                foreach (var unknown in NameCheck.Find(text, expression: false, checkRoots: false, saveAs))
                {
                    var at = new SourceSpan(unknown.Line + lineOffset, unknown.Column);
                    if (d.Any(x => x.Path == path && x.At == TextLines.Clamp(template.Text, at))) continue;
                    AddAt(at, Severity.Warning, DiagnosticCodes.UnknownVariable, $"{unknown.Message}; it renders as empty");
                }
            }
        }
    }

    private static ScriptObject SampleModel(JourneyDefinition journey)
    {
        var profile = new CustomerProfile { CustomerId = "sample", Name = "Sample" };
        var @event = new CustomerEvent("sample", journey.Entry.Events.FirstOrDefault() ?? "sample.event", "sample", DateTimeOffset.UnixEpoch, []);
        return ScriptModel.For(profile, @event, null, DateTimeOffset.UnixEpoch);
    }
}
