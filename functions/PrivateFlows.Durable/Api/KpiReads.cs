using System.Collections.Immutable;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.ReadModel;
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
public sealed class KpiReads(ICustomerReadModelReader reader, CustomerBase customers, ShippedJourneys journeys, IOptions<CostOptions> costs, TimeProvider clock)
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
            perJourney.Add(await RoiAsync(name, cancellationToken).ConfigureAwait(false));
        }

        var revenue = perJourney.Sum(j => j.AttributedRevenue);
        var cost = perJourney.Sum(j => j.MessageCost + j.CouponCost);
        double? roi = cost > 0 ? (double)((revenue - cost) / cost) : null;
        return ApiResponse.Ok(new KpiView(now, kpis.Customers, kpis.ActivityRate, kpis.ConversionRate, kpis.RepurchaseRate, kpis.Retention30d, kpis.AverageLifetimeValue,
            kpis.LifetimeValueBySegment, byTier, revenue, cost, roi, perJourney));
    }

    private async Task<JourneyRoi> RoiAsync(string journey, CancellationToken cancellationToken)
    {
        var tallies = JourneyFacts.Tally(await reader.ReadJourneyFactsAsync(journey, cancellationToken).ConfigureAwait(false));
        var stats = JourneyStats.Compute(journey, tallies.Select(t => t.Summary), 0m, 0.95,
            version => journeys.Find(version)?.Definition.Steps.Select(s => s.Id).ToList());
        // Message cost per channel (JourneyStats knows one price only), as the local host prices it.
        var settings = costs.Value;
        var messageCost = tallies.Sum(t => t.SentByChannel.Sum(c => c.Value * settings.MessageCost(c.Key.Length == 0 ? null : c.Key)));
        var cost = messageCost + stats.CouponCost;
        double? roi = cost > 0 ? (double)((stats.AttributedRevenue - cost) / cost) : null;
        return new JourneyRoi(journey, stats.Variants.Sum(v => v.Entered), stats.Variants.Sum(v => v.Converted), stats.AttributedRevenue, messageCost, stats.CouponCost, roi);
    }
}
