using Microsoft.DurableTask.Client;
using PrivateFlows.Durable.Ingress;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Durable.Activities;

/// <summary>
/// The <c>CreditReferrer</c> activity: a paid referral reward credits the referrer through the referrer's own
/// orchestration (the referee's step never changes another customer's state): the <c>points.awarded</c> event made
/// by <c>ReferrerCredit.For</c> is raised to it, or starts it. Its id is <c>{reward effect id}/referrer</c>, so a
/// retried activity is a duplicate there and credits once.
/// </summary>
public sealed class ReferrerCredits(CustomerOrchestrations orchestrations)
{
    public Task RunAsync(string creditJson, DurableTaskClient client, CancellationToken cancellationToken = default) =>
        orchestrations.DeliverAsync(client, RuntimeJson.Deserialize<CustomerEvent>(creditJson), cancellationToken);
}
