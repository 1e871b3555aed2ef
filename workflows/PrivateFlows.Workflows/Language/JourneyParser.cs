using System.Collections.Immutable;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PrivateFlows.Workflows.Language;

/// <summary>
/// Turns journey YAML into a <see cref="JourneyDefinition"/>: syntax, then schema, then the shape of each
/// option (durations, times, re-entry). Semantic checks across steps live in <see cref="JourneyValidator"/>.
/// </summary>
public static class JourneyParser
{
    public static (JourneyDefinition? Journey, IReadOnlyList<Diagnostic> Diagnostics) Parse(string path, string yaml) =>
        Parse(path, yaml, CancellationToken.None);

    /// <summary>
    /// Parses within <see cref="JourneyLimits"/>: input over a limit, or that takes longer than
    /// <see cref="JourneyLimits.TimeLimit"/> or until <paramref name="cancellation"/>, is refused with a diagnostic.
    /// </summary>
    public static (JourneyDefinition? Journey, IReadOnlyList<Diagnostic> Diagnostics) Parse(string path, string yaml, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var diagnostics = new List<Diagnostic>();
        if (yaml.Length > JourneyLimits.MaxCharacters)
        {
            diagnostics.Add(new Diagnostic(path, new SourceSpan(1, 1), Severity.Error, DiagnosticCodes.OverLimit, $"the journey file has {yaml.Length:N0} characters; at most {JourneyLimits.MaxCharacters:N0} are read"));
            return (null, diagnostics);
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        budget.CancelAfter(JourneyLimits.TimeLimit);
        try
        {
            return ParseWithin(path, yaml, diagnostics, budget.Token);
        }
        catch (OperationCanceledException)
        {
            diagnostics.Add(new Diagnostic(path, new SourceSpan(1, 1), Severity.Error, DiagnosticCodes.OverLimit, cancellation.IsCancellationRequested
                ? "reading the journey was cancelled"
                : $"reading the journey took longer than {JourneyLimits.TimeLimit.TotalSeconds:0} s"));
            return (null, diagnostics);
        }
    }

    private static (JourneyDefinition? Journey, IReadOnlyList<Diagnostic> Diagnostics) ParseWithin(string path, string yaml, List<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        // Before anything recursive walks the tree: a deep or alias-bomb document would exhaust the stack or memory.
        if (YamlPrecheck.Check(yaml, cancellation) is { } limit)
        {
            diagnostics.Add(new Diagnostic(path, TextLines.Clamp(yaml, limit.At), Severity.Error, DiagnosticCodes.OverLimit, limit.Message));
            return (null, diagnostics);
        }

        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
            {
                diagnostics.Add(new Diagnostic(path, new SourceSpan(1, 1), Severity.Error, DiagnosticCodes.Schema, "a journey file must be a mapping with 'journey', 'entry' and 'steps'"));
                return (null, diagnostics);
            }

            root = map;
        }
        catch (YamlException e)
        {
            var (at, message) = YamlSyntaxHint.Explain(yaml, e);
            diagnostics.Add(new Diagnostic(path, at, Severity.Error, DiagnosticCodes.YamlSyntax, message));
            return (null, diagnostics);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet sometimes fails without a position (e.g. an unclosed '[' followed by block content), or with
            // "the current event is of an unsupported type" on some broken anchor placements (found by the fuzzer).
            diagnostics.Add(new Diagnostic(path, TextLines.Clamp(yaml, LastToken(yaml)), Severity.Error, DiagnosticCodes.YamlSyntax, "the YAML cannot be read from here on (an unclosed '[' or '{'?)"));
            return (null, diagnostics);
        }

        cancellation.ThrowIfCancellationRequested();
        diagnostics.AddRange(JourneySchema.Validate(path, root, cancellation));
        if (diagnostics.Count > 0) return (null, diagnostics);

        var builder = new Builder(path, diagnostics);
        var journey = builder.Journey(root);
        return (journey, diagnostics);
    }

    /// <summary>Where the last token YamlDotNet could scan starts: the best position for an error it reports without one.</summary>
    private static SourceSpan LastToken(string yaml)
    {
        var at = new SourceSpan(1, 1);
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            while (scanner.MoveNext()) at = new SourceSpan((int)scanner.Current!.Start.Line, (int)scanner.Current.Start.Column);
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Stop at the token that could not be scanned.
        }

        return at;
    }

    private sealed class Builder(string path, List<Diagnostic> diagnostics)
    {
        private readonly ImmutableDictionary<(SourceSpan Owner, string Key), SourceSpan>.Builder _positions =
            ImmutableDictionary.CreateBuilder<(SourceSpan Owner, string Key), SourceSpan>();

        /// <summary>Remembers where each scalar option of <paramref name="map"/> starts (and each entry of a nested mapping as "key.entry").</summary>
        private void Remember(SourceSpan owner, YamlMappingNode map)
        {
            foreach (var (k, v) in map.Children)
            {
                if (k is not YamlScalarNode { Value: { } key }) continue;
                _positions[(owner, key)] = v.Span();
                if (v is not YamlMappingNode inner) continue;
                foreach (var (ik, iv) in inner.Children)
                {
                    if (ik is YamlScalarNode { Value: { } innerKey }) _positions[(owner, $"{key}.{innerKey}")] = iv.Span();
                }
            }
        }

        private void Error(SourceSpan at, string code, string message) =>
            diagnostics.Add(new Diagnostic(path, at, Severity.Error, code, message));

        public JourneyDefinition Journey(YamlMappingNode root)
        {
            var entry = (YamlMappingNode)root.Get("entry")!;
            var goal = root.Get("goal") as YamlMappingNode;
            var exits = root.Get("exit") as YamlSequenceNode;
            var steps = (YamlSequenceNode)root.Get("steps")!;
            Remember(entry.Span(), entry);
            if (goal is not null) Remember(goal.Span(), goal);
            foreach (var exit in exits?.Children.OfType<YamlMappingNode>() ?? []) Remember(exit.Span(), exit);
            var parsedSteps = steps.Children.OfType<YamlMappingNode>().Select(Step).OfType<Step>().ToImmutableArray();
            return new JourneyDefinition
            {
                Name = root.Scalar("journey")!,
                Title = root.Scalar("title"),
                Description = root.Scalar("description"),
                Category = root.Scalar("category") == "transactional" ? SendCategory.Transactional : SendCategory.Marketing,
                Priority = int.Parse(root.Scalar("priority") ?? "50", CultureInfo.InvariantCulture),
                Entry = Entry(entry),
                Goal = goal is null ? null : new GoalSpec(goal.Scalar("event")!, DurationAt(goal, "within") ?? TimeSpan.FromDays(1), goal.Scalar("condition"), goal.Span()),
                Exits = exits is null ? [] : [.. exits.Children.OfType<YamlMappingNode>().Select(e => new ExitSpec(e.Scalar("event")!, e.Scalar("condition"), e.Span()))],
                Steps = parsedSteps,
                ValuePositions = _positions.ToImmutable(),
                Path = path,
                At = root.Span(),
            };
        }

        private EntrySpec Entry(YamlMappingNode entry)
        {
            var events = entry.Get("event") switch
            {
                YamlSequenceNode seq => seq.Children.OfType<YamlScalarNode>().Select(s => s.Value!).ToImmutableArray(),
                YamlScalarNode s => [s.Value!],
                _ => ImmutableArray<string>.Empty,
            };
            var reentry = ReentryPolicy.Once;
            var text = entry.Scalar("reentry");
            if (text is not null)
            {
                if (text == "once") reentry = ReentryPolicy.Once;
                else if (text == "always") reentry = ReentryPolicy.Always;
                else if (text.StartsWith("after ", StringComparison.Ordinal) && Duration.TryParse(text[6..], out var after) && after <= JourneyLimits.MaxDuration) reentry = new ReentryPolicy(ReentryKind.After, after);
                else Error(entry.Get("reentry")!.Span(), DiagnosticCodes.BadReentry, $"re-entry must be 'once', 'always' or 'after <duration>' (e.g. 'after 30d'), not '{text}'");
            }

            return new EntrySpec(events, entry.Scalar("condition"), entry.Scalar("segment"), reentry, entry.Span());
        }

        private TimeSpan? DurationAt(YamlMappingNode map, string key)
        {
            var text = map.Scalar(key);
            if (text is null) return null;
            if (Duration.TryParse(text, out var value) && value <= JourneyLimits.MaxDuration) return value;
            Error(map.Get(key)!.Span(), DiagnosticCodes.BadDuration, NotADuration(text));
            return null;
        }

        private static string NotADuration(string? text) =>
            Duration.TryParse(text, out _)
                ? $"'{text}' is longer than {JourneyLimits.MaxDuration.TotalDays:0} days (about 10 years)"
                : $"'{text}' is not a duration (use e.g. 30m, 12h, 3d, 2w or P3D)";

        private static readonly string[] Kinds =
            ["send", "wait", "wait_until", "wait_for", "branch", "split", "award_points", "issue_coupon", "tag", "untag", "set_attribute", "webhook", "referral_reward", "end"];

        private Step? Step(YamlMappingNode node)
        {
            var id = node.Scalar("id")!;
            var kinds = Kinds.Where(k => node.Get(k) is not null).ToList();
            if (kinds.Count != 1)
            {
                Error(node.Span(), DiagnosticCodes.StepKind, kinds.Count == 0
                    ? $"step '{id}' says nothing to do: give it one of {string.Join(", ", Kinds)}"
                    : $"step '{id}' has more than one kind ({string.Join(", ", kinds)}); split it into separate steps");
                return null;
            }

            var kind = kinds[0];
            var value = node.Get(kind)!;
            var map = value as YamlMappingNode ?? new YamlMappingNode();
            Remember(node.KeySpan(kind), map);
            Step? step = kind switch
            {
                "send" => Send(map),
                "wait" => Wait(value),
                "wait_until" => WaitUntil(map),
                "wait_for" => WaitFor(map),
                "branch" => Branch((YamlSequenceNode)value),
                "split" => Split(map),
                "award_points" => new AwardPointsStep { Id = id, Points = map.Scalar("points")!, Reason = map.Scalar("reason") },
                "issue_coupon" => new IssueCouponStep
                {
                    Id = id,
                    Coupon = map.Scalar("coupon")!,
                    Amount = decimal.Parse(map.Scalar("amount") ?? "0", CultureInfo.InvariantCulture),
                    Valid = DurationAt(map, "valid"),
                },
                "tag" or "untag" => new TagStep { Id = id, Remove = kind == "untag", Tags = Strings(value) },
                "set_attribute" => new SetAttributeStep { Id = id, Name = map.Scalar("name")!, Value = map.Scalar("value")! },
                "webhook" => new WebhookStep { Id = id, Url = map.Scalar("url")!, Event = map.Scalar("event") },
                "referral_reward" => new ReferralRewardStep
                {
                    Id = id,
                    ReferrerPoints = long.Parse(map.Scalar("referrer_points") ?? "0", CultureInfo.InvariantCulture),
                    RefereePoints = long.Parse(map.Scalar("referee_points") ?? "0", CultureInfo.InvariantCulture),
                    HoldWhen = map.Scalar("hold_when"),
                },
                "end" => new EndStep
                {
                    Id = id,
                    Outcome = ((YamlScalarNode)value).Value switch
                    {
                        "converted" => InstanceOutcome.Converted,
                        "exited" => InstanceOutcome.Exited,
                        _ => InstanceOutcome.Completed,
                    },
                },
                _ => null,
            };
            return step is null ? null : step with { Id = id, Next = node.Scalar("next"), At = node.Span(), KindAt = node.KeySpan(kind), NextAt = node.Get("next")?.Span() ?? node.Span() };

            SendStep Send(YamlMappingNode m) => new()
            {
                Id = id,
                Channel = m.Scalar("channel")!,
                Template = m.Scalar("template")!,
                Category = m.Scalar("category") switch { "marketing" => SendCategory.Marketing, "transactional" => SendCategory.Transactional, _ => null },
                OnLimit = m.Scalar("on_limit") == "drop" ? OnLimit.Drop : OnLimit.Defer,
                ChannelAt = m.Get("channel")!.Span(),
                TemplateAt = m.Get("template")!.Span(),
            };

            WaitStep Wait(YamlNode v)
            {
                if (v is YamlScalarNode s)
                {
                    if (Duration.TryParse(s.Value, out var d) && d <= JourneyLimits.MaxDuration) return new WaitStep { Id = id, Duration = d };
                    Error(s.Span(), DiagnosticCodes.BadDuration, NotADuration(s.Value));
                    return new WaitStep { Id = id, Duration = TimeSpan.FromDays(1) };
                }

                var m = (YamlMappingNode)v;
                return new WaitStep
                {
                    Id = id,
                    DaysExpression = m.Scalar("days"),
                    FromEntry = m.Scalar("from") == "entry",
                    Default = DurationAt(m, "default"),
                };
            }

            WaitUntilStep WaitUntil(YamlMappingNode m)
            {
                var text = m.Scalar("time")!;
                if (!TimeOnly.TryParseExact(text, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
                {
                    Error(m.Get("time")!.Span(), DiagnosticCodes.BadTimeOfDay, $"'{text}' is not a time of day (use HH:mm, e.g. 10:00)");
                }

                return new WaitUntilStep { Id = id, Time = time, DateExpression = m.Scalar("date") };
            }

            WaitForStep WaitFor(YamlMappingNode m)
            {
                var match = m.Get("match") is YamlMappingNode mm
                    ? mm.Children.ToImmutableSortedDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value ?? "", StringComparer.Ordinal)
                    : ImmutableSortedDictionary<string, string>.Empty;
                return new WaitForStep
                {
                    Id = id,
                    Event = m.Scalar("event")!,
                    Match = match,
                    Condition = m.Scalar("condition"),
                    Timeout = DurationAt(m, "timeout") ?? TimeSpan.FromDays(1),
                    OnTimeout = m.Scalar("on_timeout")!,
                    OnTimeoutAt = m.Get("on_timeout")!.Span(),
                    SaveAs = m.Scalar("save_as"),
                };
            }

            BranchStep Branch(YamlSequenceNode seq)
            {
                var cases = ImmutableArray.CreateBuilder<BranchCase>();
                foreach (var c in seq.Children.OfType<YamlMappingNode>())
                {
                    var otherwise = c.Scalar("else");
                    if (otherwise is not null)
                    {
                        cases.Add(new BranchCase(null, otherwise, c.Get("else")!.Span()));
                        continue;
                    }

                    var when = c.Scalar("when");
                    var next = c.Scalar("next");
                    if (when is null || next is null)
                    {
                        Error(c.Span(), DiagnosticCodes.Schema, "a branch case needs 'when' and 'next', or 'else'");
                        continue;
                    }

                    cases.Add(new BranchCase(when, next, c.Get("next")!.Span()) { WhenAt = c.Get("when")!.Span() });
                }

                return new BranchStep { Id = id, Cases = cases.ToImmutable() };
            }

            SplitStep Split(YamlMappingNode m) => new()
            {
                Id = id,
                Holdout = int.Parse(m.Scalar("holdout") ?? "0", CultureInfo.InvariantCulture),
                Winner = m.Get("winner") is YamlMappingNode w
                    ? new WinnerRule(DurationAt(w, "after") ?? TimeSpan.FromDays(14), w.Scalar("metric") ?? "conversion", int.Parse(w.Scalar("confidence") ?? "95", CultureInfo.InvariantCulture))
                    : null,
                Variants = [.. ((YamlSequenceNode)m.Get("variants")!).Children.OfType<YamlMappingNode>().Select(v => new SplitVariant(
                    v.Scalar("name")!,
                    int.Parse(v.Scalar("weight")!, CultureInfo.InvariantCulture),
                    v.Scalar("next")!,
                    v.Get("next")!.Span()))],
            };
        }

        private static ImmutableArray<string> Strings(YamlNode node) => node switch
        {
            YamlScalarNode s => [s.Value!],
            YamlSequenceNode seq => [.. seq.Children.OfType<YamlScalarNode>().Select(s => s.Value!)],
            _ => [],
        };
    }
}
