using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using PrivateFlows.Durable.Api;

namespace PrivateFlows.Functions.Http;

/// <summary>
/// Ops' customer routes (role checked by <see cref="ApiKeyMiddleware"/>). Every HTTP trigger of the app is
/// <c>AuthorizationLevel.Anonymous</c> for the Functions host on purpose: the app checks its own API keys and roles
/// (the local host's), and Functions' host keys would be a second, role-less secret to hand out.
/// </summary>
public sealed class CustomerFunctions(CustomerReads reads, CustomerErasure erasure, CustomerExports exports)
{
    [Function(ApiFunctions.GetCustomer)]
    public Task<IActionResult> Customer([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}")] HttpRequest request, string customerId, CancellationToken cancellationToken) =>
        reads.CustomerAsync(customerId, cancellationToken);

    [Function(ApiFunctions.GetCustomerInstances)]
    public Task<IActionResult> Instances([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}/instances")] HttpRequest request, string customerId, CancellationToken cancellationToken) =>
        reads.InstancesAsync(customerId, cancellationToken);

    [Function(ApiFunctions.GetCustomerMessages)]
    public Task<IActionResult> Messages([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}/messages")] HttpRequest request, string customerId, CancellationToken cancellationToken) =>
        reads.MessagesAsync(customerId, ApiQuery.Int(request, "limit"), cancellationToken);

    [Function(ApiFunctions.GetCustomerHistory)]
    public Task<IActionResult> History([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}/history")] HttpRequest request, string customerId, CancellationToken cancellationToken) =>
        reads.HistoryAsync(customerId, ApiQuery.Long(request, "after"), ApiQuery.Int(request, "limit"), cancellationToken);

    [Function(ApiFunctions.GetCustomerPoints)]
    public Task<IActionResult> Points([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}/points")] HttpRequest request, string customerId, CancellationToken cancellationToken) =>
        reads.PointsAsync(customerId, cancellationToken);

    [Function(ApiFunctions.GetCustomerSegments)]
    public Task<IActionResult> Segments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}/segments")] HttpRequest request, string customerId, CancellationToken cancellationToken) =>
        reads.SegmentsAsync(customerId, cancellationToken);

    [Function(ApiFunctions.GetInstance)]
    public Task<IActionResult> Instance([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "instances/{instanceId}")] HttpRequest request, string instanceId, CancellationToken cancellationToken) =>
        reads.InstanceAsync(instanceId, ApiQuery.Long(request, "after"), ApiQuery.Int(request, "limit"), cancellationToken);

    [Function(ApiFunctions.ExportCustomer)]
    public Task<IActionResult> Export([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}/export")] HttpRequest request, string customerId, CancellationToken cancellationToken) =>
        exports.ExportAsync(customerId, cancellationToken);

    [Function(ApiFunctions.EraseCustomer)]
    public Task<IActionResult> Erase(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "customers/{customerId}")] HttpRequest request,
        string customerId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) => erasure.EraseAsync(client, customerId, cancellationToken);
}
