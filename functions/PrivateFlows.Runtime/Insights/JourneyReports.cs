using System.Collections.Immutable;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// A journey's report from its anonymous facts, the same wherever the facts are kept (the local store or the Azure read
/// model): statistics with per-channel message cost and ROI, the declared winner if any, daily series and funnels.
/// </summary>
public static class JourneyReports
{
    public static JourneyReport Build(
        string journey,
        IReadOnlyList<JourneyFacts.InstanceTally> tallies,
        IReadOnlyList<JourneyFact> facts,
        WinnerRule? rule,
        DeclaredWinner? declared,
        Func<string, JourneyVersion?> findVersion,
        CostOptions costs)
    {
        ArgumentNullException.ThrowIfNull(tallies);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(findVersion);
        ArgumentNullException.ThrowIfNull(costs);
        var confidence = rule is null ? 0.95 : rule.Confidence / 100.0;
        var stats = JourneyStats.Compute(journey, tallies.Select(t => t.Summary), 0m, confidence,
            version => findVersion(version)?.Definition.Steps.Select(s => s.Id).ToList());

        // Message cost per channel (JourneyStats knows one price only), then ROI on the full cost.
        var messageCost = tallies.Sum(t => t.SentByChannel.Sum(c => c.Value * costs.MessageCost(c.Key.Length == 0 ? null : c.Key)));
        var cost = messageCost + stats.CouponCost;
        stats = stats with
        {
            MessageCost = messageCost,
            Roi = cost > 0 ? (double)((stats.AttributedRevenue - cost) / cost) : null,
            Winner = declared?.Variant ?? stats.Winner,
            WinnerConfidence = declared?.Confidence ?? stats.WinnerConfidence,
        };

        var series = facts
            .Where(f => f.Kind == JourneyFactKind.Sent || (f.Kind == JourneyFactKind.Ended && f.Outcome == InstanceOutcome.Converted))
            .GroupBy(f => DateOnly.FromDateTime(f.At.UtcDateTime))
            .OrderBy(g => g.Key)
            .Select(g => new DailyPoint(g.Key, g.Count(f => f.Kind == JourneyFactKind.Sent), g.Count(f => f.Kind == JourneyFactKind.Ended)))
            .ToImmutableArray();
        var funnels = JourneyFunnel.Compute(tallies.Select(t => t.Summary).Where(i => i.Journey == journey),
            version => findVersion(version)?.Definition is { } definition ? FunnelShape.Of(definition) : null);
        return new JourneyReport(stats, declared, rule, series) { Funnels = funnels };
    }

    /// <summary>A journey's line in the KPIs' ROI table.</summary>
    public static JourneyRoi Roi(string journey, JourneyStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return new JourneyRoi(journey, stats.Variants.Sum(v => v.Entered), stats.Variants.Sum(v => v.Converted), stats.AttributedRevenue, stats.MessageCost, stats.CouponCost, stats.Roi);
    }
}
