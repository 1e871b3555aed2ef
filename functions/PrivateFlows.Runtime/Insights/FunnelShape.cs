using System.Collections.Immutable;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// What a funnel needs of a journey version: its step ids in order, the steps each step can lead to, and its splits
/// (whose holdout group takes none of the split's paths). The entry leads to the first step.
/// </summary>
public sealed record FunnelShape(ImmutableArray<string> Order, ImmutableDictionary<string, ImmutableArray<string>> Next, ImmutableHashSet<string> Splits)
{
    public static FunnelShape Of(JourneyDefinition journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        return new FunnelShape(
            [.. journey.Steps.Select(s => s.Id)],
            journey.Steps.ToImmutableDictionary(s => s.Id, s => Successors(journey, s).Distinct(StringComparer.Ordinal).ToImmutableArray(), StringComparer.Ordinal),
            journey.Steps.OfType<SplitStep>().Select(s => s.Id).ToImmutableHashSet(StringComparer.Ordinal));
    }

    /// <summary>Each step leads to the one below it (for a version whose definition is not loaded).</summary>
    public static FunnelShape Linear(IEnumerable<string> order)
    {
        ImmutableArray<string> steps = [.. order];
        return new FunnelShape(steps,
            steps.Select((s, i) => (s, i)).ToImmutableDictionary(x => x.s, x => x.i + 1 < steps.Length ? ImmutableArray.Create(steps[x.i + 1]) : [], StringComparer.Ordinal),
            []);
    }

    /// <summary>The steps that lead to <paramref name="step"/>; empty for the first step (the entry leads there).</summary>
    public IEnumerable<string> Into(string step) => Order.Where(s => Next.GetValueOrDefault(s, []).Contains(step, StringComparer.Ordinal));

    /// <summary>The steps that can run right after <paramref name="step"/>: its next (unless a branch's else or a split decides), and its targets.</summary>
    private static IEnumerable<string> Successors(JourneyDefinition journey, Step step)
    {
        if (step is EndStep) yield break;
        var hasElse = step is BranchStep b && b.Cases.Any(c => c.When is null);
        if (step is not SplitStep && !hasElse && journey.DefaultNext(step) is { } next) yield return next;
        foreach (var (target, _) in step.Targets()) yield return target;
    }
}
