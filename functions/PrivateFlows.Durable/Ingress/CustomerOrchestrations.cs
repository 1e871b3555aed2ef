using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using PrivateFlows.Durable.Orchestration;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Durable.Ingress;

/// <summary>
/// Hands a customer event to that customer's orchestration: raises it to a running one, or starts the orchestration
/// with the event already in its inbox. Callers deliver a customer's events one at a time and in order (a Service Bus
/// session per customer), so the orchestration receives them in order; a repeated event id changes nothing there.
/// </summary>
public sealed class CustomerOrchestrations(ILogger<CustomerOrchestrations> log)
{
    public async Task<Handover> DeliverAsync(DurableTaskClient client, CustomerEvent e, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(e);
        var instanceId = CustomerInstances.InstanceId(e.Subject);
        var payload = CloudEventReader.Write(e).ToJsonString();
        var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
        switch (existing?.RuntimeStatus)
        {
            case OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended:
                await client.RaiseEventAsync(instanceId, CustomerInstances.EventName, payload, cancellationToken).ConfigureAwait(false);
                return Handover.Raised;
            case OrchestrationRuntimeStatus.Failed:
                throw new CustomerUnavailableException(e.Subject, $"the orchestration {instanceId} failed ({existing.FailureDetails?.ErrorMessage}); ops must look at it before more events can go in");
            case OrchestrationRuntimeStatus.Terminated:
                throw new CustomerUnavailableException(e.Subject, $"the orchestration {instanceId} was terminated (customer erased or stopped by ops)");
        }

        var input = RuntimeJson.Serialize(CustomerJourneys.New(e.Subject, [e]));
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(CustomerInstances.Orchestrator, input, new StartOrchestrationOptions(instanceId), cancellationToken).ConfigureAwait(false);
            log.LogInformation("Started the orchestration of customer {CustomerId} with event {EventId}", e.Subject, e.Id);
            return Handover.Started;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Someone else (a referrer credit, a second delivery) started it in between: raise to it instead.
            var now = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
            if (now is null || now.RuntimeStatus == OrchestrationRuntimeStatus.Completed) throw;
            log.LogInformation(ex, "The orchestration of customer {CustomerId} was started concurrently; raising event {EventId} to it", e.Subject, e.Id);
            await client.RaiseEventAsync(instanceId, CustomerInstances.EventName, payload, cancellationToken).ConfigureAwait(false);
            return Handover.Raised;
        }
    }
}

/// <summary>How an event reached its customer's orchestration.</summary>
public enum Handover { Started, Raised }

/// <summary>The customer's orchestration cannot take events (failed or terminated): the event goes to the dead-letter queue with this reason.</summary>
public sealed class CustomerUnavailableException(string customerId, string reason) : Exception(reason)
{
    public string CustomerId { get; } = customerId;
}
