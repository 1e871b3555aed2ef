using Microsoft.AspNetCore.Mvc;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Durable.Api;

/// <summary>
/// Ops' views of one customer in Azure, read from the read model the orchestrations write: the same routes, limits
/// and JSON as the local host (<c>/api/customers/{id}</c>, <c>/instances</c>, <c>/messages</c>, <c>/history</c>,
/// <c>/points</c>, <c>/segments</c>) and of one instance (<c>/api/instances/{id}</c>).
/// </summary>
public sealed class CustomerReads(ICustomerReadModelReader reader, CustomerBase customers, TimeProvider clock)
{
    public async Task<IActionResult> CustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        var document = await reader.ReadCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        if (document is null) return NotFound(customerId);
        var s = document.State;
        return ApiResponse.Ok(new CustomerView(customerId, document.Version, s.Profile, s.Instances, s.RecentSends, s.LastEntered, document.PendingEffects.Length, Timers(s)));
    }

    public async Task<IActionResult> InstancesAsync(string customerId, CancellationToken cancellationToken)
    {
        var document = await reader.ReadCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        return document is null ? NotFound(customerId) : ApiResponse.Ok(document.State.Instances);
    }

    public async Task<IActionResult> MessagesAsync(string customerId, int? limit, CancellationToken cancellationToken) =>
        ApiResponse.Ok(await reader.ReadMessagesAsync(customerId, Math.Clamp(limit ?? 500, 1, 5000), cancellationToken).ConfigureAwait(false));

    public async Task<IActionResult> HistoryAsync(string customerId, long? after, int? limit, CancellationToken cancellationToken) =>
        ApiResponse.Ok(await reader.ReadCustomerHistoryAsync(customerId, after ?? 0, Math.Clamp(limit ?? 500, 1, 5000), cancellationToken).ConfigureAwait(false));

    public async Task<IActionResult> PointsAsync(string customerId, CancellationToken cancellationToken)
    {
        var document = await reader.ReadCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        var entries = await reader.ReadPointsAsync(customerId, cancellationToken).ConfigureAwait(false);
        if (document is null && entries.Count == 0) return NotFound(customerId);
        var profile = document?.State.Profile;
        var loyalty = profile?.Loyalty;
        var expiring = loyalty?.NextExpiry is { } at ? new Expiring(loyalty.ExpiringAt(at), at) : null;
        return ApiResponse.Ok(new PointsView(customerId, profile?.Points ?? 0, profile?.Tier ?? "member", entries, expiring,
            entries.Where(e => e.Status == PointsStatus.Held).Sum(e => e.Points)));
    }

    public async Task<IActionResult> SegmentsAsync(string customerId, CancellationToken cancellationToken)
    {
        var document = await reader.ReadCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        if (document is null) return NotFound(customerId);
        var now = clock.GetUtcNow();
        var program = await customers.ProgramAsync(now, cancellationToken).ConfigureAwait(false);
        var profile = document.State.Profile;
        var builtIn = SegmentCatalog.All(program).Where(s => !program.Segments.Any(n => n.Name == s.Name))
            .Where(s => SegmentEvaluator.IsMember(s, profile, now, program)).Select(s => s.Name);
        return ApiResponse.Ok(new CustomerSegments(Lifecycle.Stage(profile, now, program.Lifecycle), RfmScoring.Score(profile, now, program.Rfm), profile.Tier,
            [.. SegmentEvaluator.Memberships(profile, now, program), .. builtIn]));
    }

    public async Task<IActionResult> InstanceAsync(string instanceId, long? after, int? limit, CancellationToken cancellationToken)
    {
        var customerId = await reader.FindInstanceCustomerAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (customerId is null) return ApiResponse.NotFound("Instance not found", $"no instance '{instanceId}'");
        var document = await reader.ReadCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        var history = await reader.ReadInstanceHistoryAsync(instanceId, after ?? 0, Math.Clamp(limit ?? 1000, 1, 10_000), cancellationToken).ConfigureAwait(false);
        return ApiResponse.Ok(new InstanceView(instanceId, customerId, document?.State.FindInstance(instanceId), history.Entries, history.Next));
    }

    /// <summary>The waits of the customer's instances, soonest first: what the local host lists from its timer index.</summary>
    private static List<DueTimer> Timers(CustomerState state) =>
    [
        .. state.Instances
            .Where(i => i.Waiting is { TimerId: not null, Until: not null })
            .Select(i => new DueTimer(i.Waiting!.TimerId!, i.CustomerId, i.InstanceId, i.Waiting.Until!.Value))
            .OrderBy(t => t.DueAt),
    ];

    private static ApiResponse NotFound(string customerId) => ApiResponse.NotFound("Customer not found", $"no customer '{customerId}'");
}
