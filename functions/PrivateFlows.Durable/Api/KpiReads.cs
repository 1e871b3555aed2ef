using System.Collections.Immutable;
using Microsoft.AspNetCore.Mvc;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Durable.Api;

/// <summary>The local host's <c>GET /api/kpis</c> answer (same fields, same JSON).</summary>
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
    IReadOnlyList<JourneyRoi> Journeys);

/// <summary>
/// The seed KPIs in Azure from the read model: activity, conversion, repurchase, 30-day retention and lifetime value
/// over every profile, and ROI per running journey from its anonymous journey facts priced with
/// <c>PrivateFlows:Costs</c>, computed as the local host does.
/// </summary>
public sealed class KpiReads(CustomerBase customers, ShippedJourneys journeys, JourneyStatsReads stats, TimeProvider clock)
{
    public async Task<IActionResult> KpisAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var profiles = await customers.AllAsync(cancellationToken).ConfigureAwait(false);
        var program = customers.ProgramFor(profiles, now);
        var kpis = Kpis.Compute(profiles, now, p => Lifecycle.Stage(p, now, program.Lifecycle));
        var byTier = profiles.GroupBy(p => p.Tier, StringComparer.Ordinal)
            .ToImmutableSortedDictionary(g => g.Key, g => Math.Round(g.Sum(p => p.Orders.Net) / g.Count(), 2), StringComparer.Ordinal);

        var perJourney = new List<JourneyRoi>();
        foreach (var name in journeys.Latest.Select(journeys.Find).OfType<Workflows.Language.JourneyVersion>().Select(v => v.Name))
        {
            if (await stats.ViewAsync(name, cancellationToken).ConfigureAwait(false) is not { } s) continue;
            perJourney.Add(new JourneyRoi(name, s.Variants.Sum(v => v.Entered), s.Variants.Sum(v => v.Converted), s.AttributedRevenue, s.MessageCost, s.CouponCost, s.Roi));
        }

        var revenue = perJourney.Sum(j => j.AttributedRevenue);
        var cost = perJourney.Sum(j => j.MessageCost + j.CouponCost);
        double? roi = cost > 0 ? (double)((revenue - cost) / cost) : null;
        return ApiResponse.Ok(new KpiView(now, kpis.Customers, kpis.ActivityRate, kpis.ConversionRate, kpis.RepurchaseRate, kpis.Retention30d, kpis.AverageLifetimeValue,
            kpis.LifetimeValueBySegment, byTier, revenue, cost, roi, perJourney));
    }
}
