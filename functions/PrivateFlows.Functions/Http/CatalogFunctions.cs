using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PrivateFlows.Durable.Api;

namespace PrivateFlows.Functions.Http;

/// <summary>Marketers' and ops' journeys, segments and KPIs (anonymous at the Functions level: see <see cref="CustomerFunctions"/>).</summary>
public sealed class CatalogFunctions(CatalogReads reads, KpiReads kpis, JourneyStatsReads stats)
{
    [Function(ApiFunctions.ListJourneys)]
    public IActionResult Journeys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys")] HttpRequest request) => reads.Journeys();

    [Function(ApiFunctions.GetJourney)]
    public IActionResult Journey([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys/{name}")] HttpRequest request, string name) => reads.Journey(name);

    [Function(ApiFunctions.ListSegments)]
    public IActionResult Segments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments")] HttpRequest request) => reads.Segments();

    [Function(ApiFunctions.GetSegmentCustomers)]
    public Task<IActionResult> SegmentCustomers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "segments/{name}/customers")] HttpRequest request, string name, CancellationToken cancellationToken) =>
        reads.SegmentCustomersAsync(name, ApiQuery.Int(request, "limit"), ApiQuery.Text(request, "after"), cancellationToken);

    [Function(ApiFunctions.GetKpis)]
    public Task<IActionResult> Kpis([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "kpis")] HttpRequest request, CancellationToken cancellationToken) =>
        kpis.KpisAsync(cancellationToken);

    [Function(ApiFunctions.GetJourneyStats)]
    public Task<IActionResult> Stats([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys/{name}/stats")] HttpRequest request, string name, CancellationToken cancellationToken) =>
        stats.StatsAsync(name, cancellationToken);
}
