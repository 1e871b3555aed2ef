using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using PrivateFlows.Durable.Orchestration;

namespace PrivateFlows.Functions.Shells;

/// <summary>The customer's eternal orchestration (all logic in <see cref="CustomerOrchestrator"/>).</summary>
public sealed class CustomerOrchestration(CustomerOrchestrator orchestrator)
{
    [Function(CustomerInstances.Orchestrator)]
    public Task Run([OrchestrationTrigger] TaskOrchestrationContext context) => orchestrator.RunAsync(context);
}
