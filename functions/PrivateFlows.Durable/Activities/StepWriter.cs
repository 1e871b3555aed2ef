using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Serialization;

namespace PrivateFlows.Durable.Activities;

/// <summary>
/// The <c>WriteStep</c> activity: one decided step into the read model marketers and ops query (profile, points,
/// messages, history, facts). Every part has a deterministic id, so a retried activity rewrites nothing.
/// </summary>
public sealed class StepWriter(ICustomerReadModel readModel)
{
    public Task RunAsync(string stepJson, CancellationToken cancellationToken = default) =>
        readModel.WriteStepAsync(RuntimeJson.Deserialize<CustomerStep>(stepJson), cancellationToken);
}
