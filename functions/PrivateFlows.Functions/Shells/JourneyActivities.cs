using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using PrivateFlows.Durable.Activities;

namespace PrivateFlows.Functions.Shells;

/// <summary>The activities of the customer orchestration, one line each (logic in PrivateFlows.Durable.Activities).</summary>
public sealed class JourneyActivities(JourneyVersionsActivity versions, MessageDelivery delivery, StepWriter steps, ReferrerCredits credits)
{
    [Function(ActivityNames.JourneyVersions)]
    public string[] JourneyVersions([ActivityTrigger] string? input) => versions.Run();

    [Function(ActivityNames.DeliverMessage)]
    public Task<string> DeliverMessage([ActivityTrigger] string effect, CancellationToken cancellationToken) => delivery.RunAsync(effect, cancellationToken);

    [Function(ActivityNames.WriteStep)]
    public Task WriteStep([ActivityTrigger] string step, CancellationToken cancellationToken) => steps.RunAsync(step, cancellationToken);

    [Function(ActivityNames.CreditReferrer)]
    public Task CreditReferrer([ActivityTrigger] string credit, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) => credits.RunAsync(credit, client, cancellationToken);
}
