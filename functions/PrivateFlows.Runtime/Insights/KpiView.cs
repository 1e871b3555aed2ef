using System.Collections.Immutable;
using PrivateFlows.Workflows.Insights;

namespace PrivateFlows.Runtime.Insights;

/// <summary>The answer of <c>GET /api/kpis</c> on the local host and in Azure.</summary>
public sealed record KpiView(
    DateTimeOffset AsOf,
    long Customers,
    Proportion ActivityRate,
    Proportion ConversionRate,
    Proportion RepurchaseRate,
    Proportion Retention30d,
    decimal AverageLifetimeValue,
    ImmutableSortedDictionary<string, decimal> LifetimeValueBySegment,
    ImmutableSortedDictionary<string, decimal> LifetimeValueByTier,
    decimal AttributedRevenue,
    decimal Cost,
    double? Roi,
    IReadOnlyList<JourneyRoi> Journeys)
{
    public static KpiView From(KpiReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var k = report.Kpis;
        return new KpiView(report.AsOf, k.Customers, k.ActivityRate, k.ConversionRate, k.RepurchaseRate, k.Retention30d, k.AverageLifetimeValue,
            k.LifetimeValueBySegment, report.LifetimeValueByTier, report.AttributedRevenue, report.Cost, report.Roi, report.Journeys);
    }
}
