using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Runtime.Insights;

/// <summary>The seed KPIs over a set of profiles with the journeys' ROI lines, the same for the local host and Azure.</summary>
public static class KpiReports
{
    public static KpiReport Build(IReadOnlyList<CustomerProfile> profiles, DateTimeOffset now, CustomerProgram program, IReadOnlyList<JourneyRoi> journeys)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(journeys);
        var kpis = Kpis.Compute([.. profiles], now, p => Lifecycle.Stage(p, now, program.Lifecycle));
        var byTier = profiles.GroupBy(p => p.Tier, StringComparer.Ordinal)
            .ToImmutableSortedDictionary(g => g.Key, g => Math.Round(g.Sum(p => p.Orders.Net) / g.Count(), 2), StringComparer.Ordinal);
        var revenue = journeys.Sum(j => j.AttributedRevenue);
        var cost = journeys.Sum(j => j.MessageCost + j.CouponCost);
        double? roi = cost > 0 ? (double)((revenue - cost) / cost) : null;
        return new KpiReport(now, kpis, byTier, journeys, revenue, cost, roi);
    }
}
