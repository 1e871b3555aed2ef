using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PrivateFlows.Durable.Api;

namespace PrivateFlows.Functions.Http;

/// <summary>Ops' poison inputs and dead letters of the journeys subscription (anonymous at the Functions level: see <see cref="CustomerFunctions"/>).</summary>
public sealed class DeadLetterFunctions(DeadLetterOps deadLetters, PoisonInputs poison)
{
    [Function(ApiFunctions.ListDeadLetters)]
    public Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "deadletters")] HttpRequest request, CancellationToken cancellationToken) =>
        deadLetters.ListAsync(ApiQuery.Int(request, "limit"), ApiQuery.Long(request, "from"), cancellationToken);

    [Function(ApiFunctions.RequeueDeadLetter)]
    public Task<IActionResult> Requeue([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "deadletters/{sequenceNumber}/requeue")] HttpRequest request, string sequenceNumber, CancellationToken cancellationToken) =>
        deadLetters.RequeueAsync(sequenceNumber, cancellationToken);

    [Function(ApiFunctions.ListPoison)]
    public Task<IActionResult> Poison([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "poison")] HttpRequest request, CancellationToken cancellationToken) =>
        poison.ListAsync(ApiQuery.Int(request, "limit"), cancellationToken);
}
