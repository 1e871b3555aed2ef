using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Processing;

/// <summary>Ops commands on one instance (cancel, retry), run as steps on the customer's worker like any input.</summary>
public sealed class InstanceCommands(IJourneyHistory history, ICustomerDocuments customers, CustomerQueues queues)
{
    public Task<CommandResult> CancelAsync(string instanceId, string? reason, CancellationToken cancellationToken = default) =>
        RunAsync(instanceId, i => i.Status == InstanceStatus.Ended ? $"instance already ended ({i.Outcome?.ToString().ToLowerInvariant()})" : null,
            new CancelRequested(instanceId, string.IsNullOrWhiteSpace(reason) ? "cancelled by ops" : reason), cancellationToken);

    public Task<CommandResult> RetryAsync(string instanceId, CancellationToken cancellationToken = default) =>
        RunAsync(instanceId, i => i.Status != InstanceStatus.Faulted ? $"only a faulted instance can be retried (this one is {i.Status.ToString().ToLowerInvariant()})" : null,
            new RetryRequested(instanceId), cancellationToken);

    private async Task<CommandResult> RunAsync(string instanceId, Func<JourneyInstance, string?> refusal, DecisionInput input, CancellationToken cancellationToken)
    {
        var customerId = await history.FindInstanceCustomerAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (customerId is null) return CommandResult.NotFound;
        var document = await customers.ReadCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        var instance = document?.State.FindInstance(instanceId);
        if (instance is null) return CommandResult.NotFound;
        if (refusal(instance) is { } why) return new CommandResult(CommandStatus.Refused, instance, why);
        var outcome = await queues.SubmitAsync(StepRequest.ForCommand(customerId, input, Guid.NewGuid().ToString("N"))).WaitAsync(cancellationToken).ConfigureAwait(false);
        var after = outcome.Document?.State.FindInstance(instanceId) ?? instance;
        return new CommandResult(CommandStatus.Done, after, null);
    }
}

public enum CommandStatus { Done, NotFound, Refused }

public sealed record CommandResult(CommandStatus Status, JourneyInstance? Instance, string? Reason)
{
    public static readonly CommandResult NotFound = new(CommandStatus.NotFound, null, null);
}
