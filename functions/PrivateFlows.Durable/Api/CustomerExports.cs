using System.Collections.Immutable;
using Microsoft.AspNetCore.Mvc;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Durable.Api;

/// <summary>
/// <c>GET /api/customers/{id}/export</c> in Azure (PIPL/GDPR access and portability), in the local host's
/// <see cref="CustomerExport"/> shape, from the read model: profile, instances, waits, history, messages, points,
/// coupons and referrals. <c>events</c> is empty: the read model keeps no event timeline (the events a customer's
/// orchestration received live in its Durable history, which erase purges); <c>poison</c> is empty too (the poison
/// queue is listed by <c>GET /api/poison</c>).
/// </summary>
public sealed class CustomerExports(ICustomerReadModelReader reader, TimeProvider clock)
{
    private const int Page = 1000;
    private const int MaxMessages = 100_000;

    public async Task<IActionResult> ExportAsync(string customerId, CancellationToken cancellationToken)
    {
        var document = await reader.ReadCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        var history = new List<HistoryEntry>();
        for (long after = 0; ;)
        {
            var page = await reader.ReadCustomerHistoryAsync(customerId, after, Page, cancellationToken).ConfigureAwait(false);
            history.AddRange(page.Entries);
            if (page.Next is not { } next) break;
            after = next;
        }

        var messages = await reader.ReadMessagesAsync(customerId, MaxMessages, cancellationToken).ConfigureAwait(false);
        var points = await reader.ReadPointsAsync(customerId, cancellationToken).ConfigureAwait(false);
        var coupons = await reader.ReadCouponsAsync(customerId, cancellationToken).ConfigureAwait(false);
        var referred = await reader.ReadReferralsAsync(customerId, DateTimeOffset.MinValue, cancellationToken).ConfigureAwait(false);
        if (document is null && history.Count + messages.Count + points.Count + coupons.Count + referred.Count == 0)
        {
            return ApiResponse.NotFound("Customer not found", $"no customer '{customerId}'");
        }

        var state = document?.State;
        var timers = state?.Instances
            .Where(i => i.Waiting is { TimerId: not null, Until: not null })
            .Select(i => new DueTimer(i.Waiting!.TimerId!, i.CustomerId, i.InstanceId, i.Waiting.Until!.Value))
            .OrderBy(t => t.DueAt)
            .ToList() ?? [];
        return ApiResponse.Ok(new CustomerExport(
            customerId,
            clock.GetUtcNow(),
            state?.Profile,
            state?.Instances ?? [],
            state?.RecentSends ?? [],
            state?.LastEntered ?? ImmutableSortedDictionary<string, DateTimeOffset>.Empty,
            [],
            timers,
            [],
            history,
            messages,
            points,
            coupons,
            new ReferralsExport(state?.Profile.ReferredBy, ReferralCodes.For(customerId), referred),
            []));
    }
}
