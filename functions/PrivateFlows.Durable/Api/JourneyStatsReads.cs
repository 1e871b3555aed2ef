using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Durable.Api;

/// <summary>
/// A running journey's statistics in Azure from its anonymous journey facts in the read model, built by the same
/// <see cref="JourneyReports"/> as the local host's. Winners are not declared here: the shipped journeys route new
/// entries by their split as deployed, so <c>winnerDeclared</c> stays false.
/// </summary>
public sealed class JourneyStatsReads(ICustomerReadModelReader reader, ShippedJourneys journeys, IOptions<CostOptions> costs)
{
    public async Task<IActionResult> StatsAsync(string name, CancellationToken cancellationToken) =>
        await ReportAsync(name, cancellationToken).ConfigureAwait(false) is { } report
            ? ApiResponse.Ok(StatsView.From(report))
            : ApiResponse.NotFound("Journey not found", $"no journey '{name}' is published");

    /// <summary>The report of <paramref name="name"/>; null when the app does not run such a journey.</summary>
    public async Task<JourneyReport?> ReportAsync(string name, CancellationToken cancellationToken)
    {
        if (journeys.Latest.Select(journeys.Find).OfType<JourneyVersion>().FirstOrDefault(v => v.Name == name) is not { } latest) return null;
        var facts = await reader.ReadJourneyFactsAsync(name, cancellationToken).ConfigureAwait(false);
        var rule = latest.Definition.Steps.OfType<SplitStep>().FirstOrDefault(s => s.Winner is not null)?.Winner;
        return JourneyReports.Build(name, JourneyFacts.Tally(facts), facts, rule, declared: null, journeys.Find, costs.Value);
    }
}
