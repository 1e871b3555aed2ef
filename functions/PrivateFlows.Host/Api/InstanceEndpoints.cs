using Microsoft.AspNetCore.Http.HttpResults;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Host.Api;

/// <summary>One journey instance: its state and step-by-step history; cancel and retry.</summary>
public static class InstanceEndpoints
{
    public sealed record InstanceView(string InstanceId, string CustomerId, JourneyInstance? Instance, IReadOnlyList<HistoryEntry> History, long? Next);

    public sealed record CancelRequest(string? Reason);

    public static void MapInstanceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/instances/{instanceId}").RequireAuthorization(Roles.Ops).WithTags("instances");

        group.MapGet("", async Task<Results<Ok<InstanceView>, ProblemHttpResult>> (string instanceId, IJourneyHistory journeyHistory, ICustomerDocuments customers, CancellationToken ct, long? after, int? limit) =>
        {
            var customerId = await journeyHistory.FindInstanceCustomerAsync(instanceId, ct);
            if (customerId is null) return NotFound(instanceId);
            var document = await customers.ReadCustomerAsync(customerId, ct);
            var history = await journeyHistory.ReadInstanceHistoryAsync(instanceId, after ?? 0, Math.Clamp(limit ?? 1000, 1, 10_000), ct);
            return TypedResults.Ok(new InstanceView(instanceId, customerId, document?.State.FindInstance(instanceId), history.Entries, history.Next));
        }).WithSummary("An instance's state (null once pruned) and its full history, oldest first");

        group.MapPost("/cancel", async (string instanceId, CancelRequest? body, InstanceCommands commands, CancellationToken ct) =>
            Answer(instanceId, await commands.CancelAsync(instanceId, body?.Reason, ct)))
            .WithSummary("Cancel an instance (its timers are cancelled, it ends as cancelled)");

        group.MapPost("/retry", async (string instanceId, InstanceCommands commands, CancellationToken ct) =>
            Answer(instanceId, await commands.RetryAsync(instanceId, ct)))
            .WithSummary("Run a faulted instance's current step again (e.g. after fixing the customer's data)");
    }

    private static Results<Ok<JourneyInstance>, ProblemHttpResult> Answer(string instanceId, CommandResult result) => result.Status switch
    {
        CommandStatus.Done => TypedResults.Ok(result.Instance!),
        CommandStatus.Refused => Problems.Conflict("Not possible in this state", result.Reason ?? "refused"),
        _ => NotFound(instanceId),
    };

    private static ProblemHttpResult NotFound(string instanceId) =>
        Problems.NotFound("Instance not found", $"no instance '{instanceId}'");
}
