using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using PrivateFlows.Durable.Orchestration;
using PrivateFlows.Runtime.ReadModel;

namespace PrivateFlows.Durable.Api;

/// <summary>
/// <c>DELETE /api/customers/{id}</c> in Azure (PIPL/GDPR): stops the customer's orchestration, purges its Durable
/// history (which holds the customer's events and state), then erases the read model (which keeps the journey facts
/// anonymised and drops steps written for the id later). Answers like the local host: 204 when something was
/// erased, 404 when nothing was there (so a second erase answers 404 and touches nothing).
/// </summary>
public sealed partial class CustomerErasure(ICustomerReadModel readModel, ILogger<CustomerErasure> log)
{
    /// <summary>How long to wait for a terminated orchestration to reach its terminal state before purging.</summary>
    public TimeSpan TerminationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public async Task<IActionResult> EraseAsync(DurableTaskClient client, string customerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var instanceId = CustomerInstances.InstanceId(customerId);
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
        if (instance is not null)
        {
            // Stop it first, so no step is written after the read model is erased; purge needs a terminal state.
            if (!IsTerminal(instance.RuntimeStatus))
            {
                await client.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions(Output: "customer erased", Recursive: true), cancellationToken).ConfigureAwait(false);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(TerminationTimeout);
                await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: false, wait.Token).ConfigureAwait(false);
            }

            await client.PurgeInstanceAsync(instanceId, new PurgeInstanceOptions(Recursive: true), cancellationToken).ConfigureAwait(false);
        }

        var readModelErased = await readModel.EraseCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        if (instance is null && !readModelErased) return ApiResponse.NotFound("Customer not found", $"no customer '{customerId}'");
        LogErased(customerId, instanceId, instance?.RuntimeStatus.ToString() ?? "none", readModelErased);
        return ApiResponse.NoContent();
    }

    private static bool IsTerminal(OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased customer {CustomerId}: orchestration {InstanceId} (was {Status}) stopped and purged, read model erased: {ReadModelErased}")]
    private partial void LogErased(string customerId, string instanceId, string status, bool readModelErased);
}
