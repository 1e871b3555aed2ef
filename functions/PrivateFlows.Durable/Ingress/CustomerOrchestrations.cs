using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using PrivateFlows.Durable.Orchestration;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Durable.Ingress;

/// <summary>
/// Hands a customer event to that customer's orchestration: raises it to a running one, or starts the orchestration
/// with the event already in its inbox. Callers deliver a customer's events one at a time and in order (a Service Bus
/// session per customer), so the orchestration receives them in order; a repeated event id changes nothing there.
/// An event for an erased customer (no orchestration any more, a tombstone in the read model) is dropped, never
/// allowed to start the customer again.
/// </summary>
public sealed class CustomerOrchestrations(ICustomerReadModelReader readModel, ILogger<CustomerOrchestrations> log)
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
                var failure = (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false))?.FailureDetails;
                throw new CustomerUnavailableException(e.Subject, $"the orchestration {instanceId} failed ({failure?.ErrorType}: {failure?.ErrorMessage}); ops must look at it before more events can go in");
            case OrchestrationRuntimeStatus.Terminated:
                throw new CustomerUnavailableException(e.Subject, $"the orchestration {instanceId} was terminated (customer erased or stopped by ops)");
        }

        if (existing is null && await readModel.IsErasedAsync(e.Subject, cancellationToken).ConfigureAwait(false))
        {
            // Erased (GDPR/PIPL): the orchestration and its history were purged; a late event must not bring her back.
            log.LogInformation("Dropped event {EventId}: its customer was erased", e.Id);
            return Handover.Dropped;
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

/// <summary>How an event reached its customer's orchestration, or that it was dropped (the customer was erased).</summary>
public enum Handover { Started, Raised, Dropped }

/// <summary>The customer's orchestration cannot take events (failed or terminated): the event goes to the dead-letter queue with this reason.</summary>
public sealed class CustomerUnavailableException(string customerId, string reason) : Exception(reason)
{
    public string CustomerId { get; } = customerId;
}
