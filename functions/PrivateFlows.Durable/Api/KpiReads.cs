using Microsoft.AspNetCore.Mvc;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Runtime.Insights;

namespace PrivateFlows.Durable.Api;

/// <summary>
/// The seed KPIs in Azure from the read model's profiles, with ROI per running journey from its anonymous journey facts,
/// built by the same <see cref="KpiReports"/> and <see cref="JourneyReports"/> as the local host's.
/// </summary>
public sealed class KpiReads(CustomerBase customers, ShippedJourneys journeys, JourneyStatsReads stats, TimeProvider clock)
{
    public async Task<IActionResult> KpisAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var profiles = await customers.AllAsync(cancellationToken).ConfigureAwait(false);
        var program = customers.ProgramFor(profiles, now);
        var perJourney = new List<JourneyRoi>();
        foreach (var name in journeys.Latest.Select(journeys.Find).OfType<Workflows.Language.JourneyVersion>().Select(v => v.Name))
        {
            if (await stats.ReportAsync(name, cancellationToken).ConfigureAwait(false) is { } report) perJourney.Add(JourneyReports.Roi(name, report.Stats));
        }

        return ApiResponse.Ok(KpiView.From(KpiReports.Build(profiles, now, program, perJourney)));
    }
}
