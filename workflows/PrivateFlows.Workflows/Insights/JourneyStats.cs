using System.Collections.Immutable;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Insights;

/// <summary>A journey's results per version and variant, with holdout uplift and an A/B winner when one is clear.</summary>
public sealed record JourneyStats(
    string Journey,
    ImmutableArray<VariantStats> Variants,
    double? HoldoutUplift,
    double? UpliftConfidence,
    string? Winner,
    double? WinnerConfidence,
    decimal AttributedRevenue,
    decimal MessageCost,
    decimal CouponCost,
    double? Roi)
{
    public const string Holdout = "holdout";
    public const string NoVariant = "-";

    /// <param name="costPerMessage">What one send costs (SMS fee, push provider), for ROI.</param>
    /// <param name="winnerConfidence">Minimum confidence for a winner, e.g. 0.95.</param>
    /// <param name="stepOrder">A version's step ids in their order in the journey (null when unknown): orders the per-step funnel and adds the steps nobody reached.</param>
    public static JourneyStats Compute(string journey, IEnumerable<InstanceSummary> instances, decimal costPerMessage, double winnerConfidence = 0.95,
        Func<string, IReadOnlyList<string>?>? stepOrder = null)
    {
        var list = instances.Where(i => i.Journey == journey).ToList();
        var variants = list
            .GroupBy(i => (i.Version, Variant: i.Variant ?? NoVariant))
            .OrderBy(g => g.Key.Version, StringComparer.Ordinal).ThenBy(g => g.Key.Variant, StringComparer.Ordinal)
            .Select(g => Stats(g.Key.Version, g.Key.Variant, g.ToList()) with { Steps = Steps(g.ToList(), stepOrder?.Invoke(g.Key.Version)) })
            .ToImmutableArray();

        // Uplift and winners compare variants across all versions of the journey: the split is stable across versions.
        var byVariant = list.GroupBy(i => i.Variant ?? NoVariant).ToDictionary(g => g.Key, g => Proportion.Of(g.LongCount(i => i.Outcome == InstanceOutcome.Converted), g.LongCount()));
        double? uplift = null, upliftConfidence = null;
        if (byVariant.TryGetValue(Holdout, out var holdout))
        {
            var treated = list.Where(i => i.Variant != Holdout).ToList();
            var treatedRate = Proportion.Of(treated.LongCount(i => i.Outcome == InstanceOutcome.Converted), treated.Count);
            if (treated.Count > 0 && holdout.Trials > 0)
            {
                uplift = treatedRate.Rate - holdout.Rate;
                upliftConfidence = treatedRate.ConfidenceDiffersFrom(holdout);
            }
        }

        var (winner, confidence) = PickWinner(byVariant.Where(kv => kv.Key is not Holdout and not NoVariant).ToDictionary(), winnerConfidence);
        var revenue = list.Where(i => i.Variant != Holdout).Sum(i => i.Revenue);
        var messageCost = list.Sum(i => i.Sent) * costPerMessage;
        var couponCost = list.Sum(i => i.CouponCost);
        var cost = messageCost + couponCost;
        double? roi = cost > 0 ? (double)((revenue - cost) / cost) : null;
        return new JourneyStats(journey, variants, uplift, upliftConfidence, winner, confidence, revenue, messageCost, couponCost, roi);
    }

    /// <summary>The variant with the best conversion when it beats every other variant with at least <paramref name="minimum"/> confidence.</summary>
    public static (string? Winner, double? Confidence) PickWinner(IReadOnlyDictionary<string, Proportion> variants, double minimum)
    {
        if (variants.Count < 2) return (null, null);
        var best = variants.OrderByDescending(kv => kv.Value.Rate).ThenBy(kv => kv.Key, StringComparer.Ordinal).First();
        var confidence = variants.Where(kv => kv.Key != best.Key).Min(kv => best.Value.ConfidenceDiffersFrom(kv.Value));
        return confidence >= minimum ? (best.Key, confidence) : (null, confidence);
    }

    /// <summary>Instances that reached each step: the version's steps in order, then any others (ordinal); empty without step facts.</summary>
    private static ImmutableArray<StepReached> Steps(List<InstanceSummary> g, IReadOnlyList<string>? order)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var step in g.SelectMany(i => i.Reached)) counts[step] = counts.GetValueOrDefault(step) + 1;
        if (counts.Count == 0) return [];
        var known = order ?? [];
        return [.. known.Select(s => new StepReached(s, counts.GetValueOrDefault(s))),
            .. counts.Keys.Where(s => !known.Contains(s)).Order(StringComparer.Ordinal).Select(s => new StepReached(s, counts[s]))];
    }

    private static VariantStats Stats(string version, string variant, List<InstanceSummary> g) => new(
        version,
        variant,
        g.Count,
        g.LongCount(i => i.Outcome is null),
        g.LongCount(i => i.Outcome == InstanceOutcome.Completed),
        g.LongCount(i => i.Outcome == InstanceOutcome.Converted),
        g.LongCount(i => i.Outcome == InstanceOutcome.Exited),
        g.Sum(i => (long)i.Sent),
        g.Sum(i => (long)i.Suppressed),
        g.Sum(i => i.Revenue),
        g.Sum(i => i.CouponCost),
        Proportion.Of(g.LongCount(i => i.Outcome == InstanceOutcome.Converted), g.Count));
}
