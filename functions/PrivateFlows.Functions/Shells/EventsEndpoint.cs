using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PrivateFlows.Durable.Ingress;

namespace PrivateFlows.Functions.Shells;

/// <summary>
/// HTTP ingest and liveness. Events go to the Service Bus topic; the journeys read them from there. Anonymous at the
/// Functions level like every HTTP function here: the app's own middleware checks the producer's API key.
/// </summary>
public sealed class EventsEndpoint(EventPublisher publisher)
{
    [Function("PostEvents")]
    public Task<IActionResult> Post([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "events")] HttpRequest request, CancellationToken cancellationToken) => publisher.PostAsync(request, cancellationToken);

    [Function("Healthz")]
    public IActionResult Healthz([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "healthz")] HttpRequest request) => new OkObjectResult(new { status = "ok" });
}
