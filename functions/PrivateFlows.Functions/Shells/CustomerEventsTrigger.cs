using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using PrivateFlows.Durable.Ingress;

namespace PrivateFlows.Functions.Shells;

/// <summary>
/// The session-enabled subscription of the customer-events topic (session = customer, so one customer's events
/// arrive one at a time, in order). Handed over: the trigger completes the message; never valid: the ingress sets it
/// aside in the poison queue with its reason first; a transient failure throws, and Service Bus delivers it again.
/// </summary>
public sealed class CustomerEventsTrigger(CustomerEventIngress ingress, PoisonQueue poison)
{
    [Function("CustomerEvents")]
    public Task Run(
        [ServiceBusTrigger("%PrivateFlows:ServiceBus:Topic%", "%PrivateFlows:ServiceBus:Subscription%", Connection = "ServiceBusConnection", IsSessionsEnabled = true, IsBatched = false)] byte[] body,
        FunctionContext context,
        [DurableClient] DurableTaskClient client) => ingress.ReceiveAsync(ServiceBusBindingData.Read(body, context), poison, client, context.CancellationToken);
}
