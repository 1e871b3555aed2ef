using PrivateFlows.Durable.Journeys;

namespace PrivateFlows.Durable.Activities;

/// <summary>
/// Which journey versions new entries use, read once per generation of a customer's orchestration. An activity,
/// not a direct read, because its answer goes into the orchestration's history: a replay after a deployment that
/// ships new versions still decides the old steps with the versions they were decided with.
/// </summary>
public sealed class JourneyVersionsActivity(ShippedJourneys journeys)
{
    public string[] Run() => [.. journeys.Latest];
}
