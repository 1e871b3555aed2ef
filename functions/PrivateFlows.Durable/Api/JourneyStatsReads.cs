using System.Collections.Immutable;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Durable.Api;

public sealed record SeriesPoint(string Date, int Sends, int Conversions);

public sealed record DeclaredWinnerView(string Variant, double Confidence, string Metric, DateTimeOffset DeclaredAt);

/// <summary>The local host's <c>GET /api/journeys/{name}/stats</c> answer (same fields, same JSON).</summary>
public sealed record StatsView(
    string Journey,
    ImmutableArray<VariantStats> Variants,
    double? HoldoutUplift,
    double? UpliftConfidence,
    string? Winner,
    double? WinnerConfidence,
    decimal AttributedRevenue,
    decimal MessageCost,
    decimal CouponCost,
    double? Roi,
    bool WinnerDeclared,
    DeclaredWinnerView? DeclaredWinner,
    string? WinnerRule,
    ImmutableArray<SeriesPoint> Series,
    ImmutableArray<VariantFunnel> Funnels);

/// <summary>
/// A running journey's statistics in Azure from its anonymous journey facts in the read model: funnel per version and
/// variant, conversion with intervals, holdout uplift, the leading A/B variant and ROI priced with
/// <c>PrivateFlows:Costs</c>, computed as the local host does. Winners are not declared here: the shipped journeys
/// route new entries by their split as deployed, so <c>winnerDeclared</c> stays false.
/// </summary>
public sealed class JourneyStatsReads(ICustomerReadModelReader reader, ShippedJourneys journeys, IOptions<CostOptions> costs)
{
    public async Task<IActionResult> StatsAsync(string name, CancellationToken cancellationToken) =>
        await ViewAsync(name, cancellationToken).ConfigureAwait(false) is { } view
            ? ApiResponse.Ok(view)
            : ApiResponse.NotFound("Journey not found", $"no journey '{name}' is published");

    /// <summary>The statistics of <paramref name="name"/>; null when the app does not run such a journey.</summary>
    public async Task<StatsView?> ViewAsync(string name, CancellationToken cancellationToken)
    {
        if (journeys.Latest.Select(journeys.Find).OfType<JourneyVersion>().FirstOrDefault(v => v.Name == name) is not { } latest) return null;
        var facts = await reader.ReadJourneyFactsAsync(name, cancellationToken).ConfigureAwait(false);
        var tallies = JourneyFacts.Tally(facts);
        var rule = latest.Definition.Steps.OfType<SplitStep>().FirstOrDefault(s => s.Winner is not null)?.Winner;
        var stats = JourneyStats.Compute(name, tallies.Select(t => t.Summary), 0m, rule is null ? 0.95 : rule.Confidence / 100.0,
            version => journeys.Find(version)?.Definition.Steps.Select(s => s.Id).ToList());

        // Message cost per channel (JourneyStats knows one price only), then ROI on the full cost.
        var settings = costs.Value;
        var messageCost = tallies.Sum(t => t.SentByChannel.Sum(c => c.Value * settings.MessageCost(c.Key.Length == 0 ? null : c.Key)));
        var cost = messageCost + stats.CouponCost;
        double? roi = cost > 0 ? (double)((stats.AttributedRevenue - cost) / cost) : null;

        var series = facts
            .Where(f => f.Kind == JourneyFactKind.Sent || (f.Kind == JourneyFactKind.Ended && f.Outcome == InstanceOutcome.Converted))
            .GroupBy(f => DateOnly.FromDateTime(f.At.UtcDateTime))
            .OrderBy(g => g.Key)
            .Select(g => new SeriesPoint(g.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), g.Count(f => f.Kind == JourneyFactKind.Sent), g.Count(f => f.Kind == JourneyFactKind.Ended)))
            .ToImmutableArray();
        var funnels = JourneyFunnel.Compute(tallies.Select(t => t.Summary).Where(i => i.Journey == name),
            version => journeys.Find(version)?.Definition is { } definition ? FunnelShape.Of(definition) : null);
        return new StatsView(name, stats.Variants, stats.HoldoutUplift, stats.UpliftConfidence, stats.Winner, stats.WinnerConfidence, stats.AttributedRevenue,
            messageCost, stats.CouponCost, roi, false, null, rule?.ToString(), series, funnels);
    }
}
