using System.Collections.Immutable;
using System.Globalization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// Journey facts from dispatched effects (what every store writes beside them), and instance summaries from facts
/// (what <see cref="JourneyStats"/> counts). Pure: both stores call <see cref="From"/> with the document and the
/// effects they are completing, so the facts are the same whichever store keeps them.
/// </summary>
public static class JourneyFacts
{
    /// <summary>The goal event's amount, set on the instance by the decider when the goal is reached.</summary>
    public const string GoalAmountVar = "goal_amount";

    /// <summary>Stands for a version the document no longer names (the instance was pruned before its facts were written).</summary>
    public const string UnknownVersion = "unknown";

    /// <param name="at">When the effects are dispatched: the time of facts that carry none (coupons).</param>
    public static IReadOnlyList<JourneyFact> From(CustomerDocument document, IReadOnlyList<Effect> effects, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(effects);
        List<JourneyFact>? facts = null;
        foreach (var effect in effects)
        {
            var fact = effect switch
            {
                RecordHistory h => FromHistory(document.State, h.Entry, effects),
                IssueCoupon c => JourneyOf(document.State, c.InstanceId) is { } journey
                    ? new JourneyFact(c.EffectId, c.InstanceId, journey, JourneyFactKind.Coupon, at, Amount: c.Amount)
                    : null,
                CompleteInstance done => Ended(document.State, done, at),
                _ => null,
            };
            if (fact is not null) (facts ??= []).Add(fact);
            if (effect is RecordHistory { Entry: { Step: { } step } entry }) (facts ??= []).Add(Reached(entry, step));
        }

        return facts ?? (IReadOnlyList<JourneyFact>)[];
    }

    /// <summary>The instance's journey; instance ids are <c>{journey}-{16 hex}</c> when the document no longer has it.</summary>
    private static string? JourneyOf(CustomerState state, string instanceId) =>
        state.FindInstance(instanceId)?.Journey ?? (instanceId.Length > 17 && instanceId[^17] == '-' ? instanceId[..^17] : null);

    private static JourneyFact? FromHistory(CustomerState state, HistoryEntry e, IReadOnlyList<Effect> effects) => e.Kind switch
    {
        HistoryKind.Entered => new JourneyFact(e.EntryId, e.InstanceId, e.Journey, JourneyFactKind.Entered, e.Time, Version: state.FindInstance(e.InstanceId)?.Version ?? UnknownVersion),
        HistoryKind.SplitVariant or HistoryKind.HeldOut => new JourneyFact(e.EntryId, e.InstanceId, e.Journey, JourneyFactKind.Variant, e.Time,
            Variant: e.Kind == HistoryKind.HeldOut ? JourneyStats.Holdout : state.FindInstance(e.InstanceId)?.Variant ?? VariantFromDetail(e.Detail)),
        HistoryKind.Sent => new JourneyFact(e.EntryId, e.InstanceId, e.Journey, JourneyFactKind.Sent, e.Time, Channel: ChannelOf(e, effects)),
        HistoryKind.Suppressed => new JourneyFact(e.EntryId, e.InstanceId, e.Journey, JourneyFactKind.Suppressed, e.Time),
        _ => null,
    };

    /// <summary>
    /// Every step the decider runs writes a history entry naming it (waiting, sent, branched, action, ended there …),
    /// so the first entry naming a step marks the instance's arrival there. The fact id is the instance and the step:
    /// an instance that comes back to a step (a loop) or a replay writes no second fact.
    /// </summary>
    private static JourneyFact Reached(HistoryEntry e, string step) =>
        new(ReachedId(e.InstanceId, step), e.InstanceId, e.Journey, JourneyFactKind.Reached, e.Time, Step: step);

    /// <summary>The id of the fact that <paramref name="instanceId"/> reached <paramref name="step"/>.</summary>
    public static string ReachedId(string instanceId, string step) => $"{instanceId}/reached/{step}";

    private static JourneyFact Ended(CustomerState state, CompleteInstance done, DateTimeOffset at)
    {
        var instance = state.FindInstance(done.InstanceId);
        var revenue = done.Outcome == InstanceOutcome.Converted
            && instance?.Vars.GetValueOrDefault(GoalAmountVar) is { } amount
            && decimal.TryParse(amount, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : 0m;
        return new JourneyFact(done.EffectId, done.InstanceId, done.Journey, JourneyFactKind.Ended, instance?.EndedAt ?? at,
            Variant: done.Variant, Amount: revenue, Outcome: done.Outcome);
    }

    /// <summary>The send's channel: from the <see cref="SendMessage"/> of the same instance and step, else the detail's first word ("sms onboarding-coupon …").</summary>
    private static string? ChannelOf(HistoryEntry e, IReadOnlyList<Effect> effects)
    {
        foreach (var effect in effects)
        {
            if (effect is SendMessage s && s.InstanceId == e.InstanceId && s.StepId == e.Step) return s.Channel;
        }

        var space = e.Detail.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? e.Detail[..space] : null;
    }

    /// <summary>"variant b → next-step …" → "b".</summary>
    private static string? VariantFromDetail(string detail)
    {
        const string prefix = "variant ";
        if (!detail.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var rest = detail[prefix.Length..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? rest[..space] : rest;
    }

    /// <summary>One instance as journey statistics see it, with its sends per channel (for message cost).</summary>
    public sealed record InstanceTally(InstanceSummary Summary, ImmutableSortedDictionary<string, int> SentByChannel, DateTimeOffset? EndedAt);

    /// <summary>Folds facts into one tally per instance (instances whose entry fact is missing are left out).</summary>
    public static IReadOnlyList<InstanceTally> Tally(IEnumerable<JourneyFact> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var tallies = new List<InstanceTally>();
        foreach (var group in facts.GroupBy(f => f.InstanceId, StringComparer.Ordinal))
        {
            var list = group.ToList();
            var entered = list.FirstOrDefault(f => f.Kind == JourneyFactKind.Entered);
            if (entered is null) continue;
            var ended = list.Where(f => f.Kind == JourneyFactKind.Ended).OrderBy(f => f.At).LastOrDefault();
            var variant = list.Where(f => f.Kind == JourneyFactKind.Variant).OrderBy(f => f.At).LastOrDefault()?.Variant ?? ended?.Variant;
            var sent = list.Where(f => f.Kind == JourneyFactKind.Sent).ToList();
            var reached = list.Where(f => f.Kind == JourneyFactKind.Reached && f.Step is not null).Select(f => f.Step!).Distinct(StringComparer.Ordinal).ToImmutableArray();
            var byChannel = sent.GroupBy(f => f.Channel ?? "").ToImmutableSortedDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var summary = new InstanceSummary(
                entered.Journey,
                entered.Version ?? UnknownVersion,
                variant,
                entered.At,
                ended?.Outcome,
                sent.Count,
                list.Count(f => f.Kind == JourneyFactKind.Suppressed),
                ended?.Outcome == InstanceOutcome.Converted ? ended.Amount : 0m,
                list.Where(f => f.Kind == JourneyFactKind.Coupon).Sum(f => f.Amount))
            {
                Reached = reached,
            };
            tallies.Add(new InstanceTally(summary, byChannel, ended?.At));
        }

        return tallies;
    }
}
