using System.Collections.Immutable;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// Funnels per journey version and variant from instance summaries: a marketer reads "how many got here, and why
/// didn't the others" — so customers still waiting, customers who took another branch and customers who converted
/// earlier are told apart from those who really dropped off.
/// </summary>
public static class JourneyFunnel
{
    /// <param name="shapeOf">The version's shape; null when the version is not loaded (its steps then follow each other in name order).</param>
    public static ImmutableArray<VariantFunnel> Compute(IEnumerable<InstanceSummary> instances, Func<string, FunnelShape?> shapeOf)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(shapeOf);
        return [.. instances
            .GroupBy(i => (i.Version, Variant: i.Variant ?? JourneyStats.NoVariant))
            .OrderBy(g => g.Key.Version, StringComparer.Ordinal).ThenBy(g => g.Key.Variant, StringComparer.Ordinal)
            .Select(g => Funnel(g.Key.Version, g.Key.Variant, [.. g], shapeOf(g.Key.Version)))];
    }

    private static VariantFunnel Funnel(string version, string variant, List<InstanceSummary> group, FunnelShape? known)
    {
        var reached = group.Select(i => i.Reached.ToHashSet(StringComparer.Ordinal)).ToList();
        if (reached.All(r => r.Count == 0)) return new VariantFunnel(version, variant, group.Count, []);

        // Steps the version does not name (renamed since, or an unknown version) follow the known ones, in name order,
        // each led to by the row above it.
        var shape = known ?? FunnelShape.Linear([]);
        var extra = reached.SelectMany(r => r).Where(s => !shape.Order.Contains(s, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        List<string> order = [.. shape.Order, .. extra];

        var steps = ImmutableArray.CreateBuilder<FunnelStep>(order.Count);
        for (var index = 0; index < order.Count; index++)
        {
            var step = order[index];
            // The entry leads to the first step, whatever else does (a loop back to the start).
            List<string>? into = index == 0 ? null : index < shape.Order.Length ? [.. shape.Into(step)] : [order[index - 1]];
            var others = (into ?? []).SelectMany(s => shape.Next.GetValueOrDefault(s, [])).Where(s => s != step).ToHashSet(StringComparer.Ordinal);
            var afterSplit = into?.Any(shape.Splits.Contains) == true;
            long got = 0, candidates = 0, otherPath = 0, inProgress = 0, convertedBefore = 0, droppedOff = 0;
            for (var n = 0; n < group.Count; n++)
            {
                var r = reached[n];
                if (r.Contains(step)) got++;
                if (into is not null && !into.Any(r.Contains)) continue;
                candidates++;
                if (r.Contains(step)) continue;
                if (r.Overlaps(others) || (afterSplit && variant == JourneyStats.Holdout)) otherPath++;
                else if (group[n].Outcome is null) inProgress++;
                else if (group[n].Outcome == InstanceOutcome.Converted) convertedBefore++;
                else droppedOff++;
            }

            steps.Add(new FunnelStep(step, got, candidates, otherPath, inProgress, convertedBefore, droppedOff));
        }

        return new VariantFunnel(version, variant, group.Count, steps.MoveToImmutable());
    }
}
