using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// The customer's rights (PIPL/GDPR): export everything held about them as one document, and erase it. Erasure
/// first cancels the running instances through the customer's worker (like any ops command: history, timers and
/// statistics see a cancellation), then the store deletes everything, keeps the journey facts anonymised and leaves
/// a tombstone so late events are dropped and counted instead of recreating the customer. Export and erasure touch
/// every role of the store, so this consumer alone takes the whole <see cref="IJourneyStore"/>.
/// </summary>
public sealed class CustomerPrivacy(IJourneyStore store, CustomerQueues queues, TimeProvider clock, ILogger<CustomerPrivacy> log)
{
    private const int Page = 1000;
    private const int MaxMessages = 100_000;
    private const int MaxPoison = 5000;

    /// <summary>Everything held about the customer; null when nothing is.</summary>
    public async Task<CustomerExport?> ExportAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var document = await store.ReadCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        var events = new List<TimelineEvent>();
        for (long after = 0; ;)
        {
            var page = await store.ReadEventsAsync(customerId, after, Page, cancellationToken).ConfigureAwait(false);
            events.AddRange(page);
            if (page.Count < Page) break;
            after = page[^1].Seq;
        }

        var history = new List<HistoryEntry>();
        for (long after = 0; ;)
        {
            var page = await store.ReadCustomerHistoryAsync(customerId, after, Page, cancellationToken).ConfigureAwait(false);
            history.AddRange(page.Entries);
            if (page.Next is not { } next) break;
            after = next;
        }

        var messages = await store.ReadMessagesAsync(customerId, MaxMessages, cancellationToken).ConfigureAwait(false);
        var points = await store.ReadPointsAsync(customerId, cancellationToken).ConfigureAwait(false);
        var coupons = await store.ReadCouponsAsync(customerId, cancellationToken).ConfigureAwait(false);
        var timers = await store.ReadTimersAsync(customerId, cancellationToken).ConfigureAwait(false);
        var referred = await store.ReadReferralsAsync(customerId, DateTimeOffset.MinValue, cancellationToken).ConfigureAwait(false);
        var poison = (await store.ReadPoisonAsync(MaxPoison, cancellationToken).ConfigureAwait(false)).Where(p => p.CustomerId == customerId).ToList();
        if (document is null && events.Count + history.Count + messages.Count + points.Count + coupons.Count + timers.Count + referred.Count + poison.Count == 0) return null;

        var state = document?.State;
        var referrals = new ReferralsExport(state?.Profile.ReferredBy, ReferralCodes.For(customerId), referred);
        return new CustomerExport(
            customerId,
            clock.GetUtcNow(),
            state?.Profile,
            state?.Instances ?? [],
            state?.RecentSends ?? [],
            state?.LastEntered ?? ImmutableSortedDictionary<string, DateTimeOffset>.Empty,
            document?.PendingEffects ?? [],
            timers,
            events,
            history,
            messages,
            points,
            coupons,
            referrals,
            poison);
    }

    /// <summary>Cancels the customer's running instances, then erases everything (tombstone left either way).</summary>
    public async Task<ErasureResult> EraseAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var cancelled = 0;
        var document = await store.ReadCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        foreach (var instance in document?.State.Instances.Where(i => i.Status != InstanceStatus.Ended) ?? [])
        {
            var request = StepRequest.ForCommand(customerId, new CancelRequested(instance.InstanceId, "customer erased (privacy request)"), $"erase/{instance.InstanceId}");
            try
            {
                var outcome = await queues.SubmitAsync(request).WaitAsync(cancellationToken).ConfigureAwait(false);
                if (outcome.Result == StepResult.Processed) cancelled++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The erase goes on: the instance disappears with the document either way.
                log.LogWarning(e, "Cancelling instance {InstanceId} before erasing customer {CustomerId} failed", instance.InstanceId, customerId);
            }
        }

        var erased = await store.EraseCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        return new ErasureResult(customerId, erased, cancelled);
    }
}

/// <summary>Everything held about one customer, as one JSON document.</summary>
public sealed record CustomerExport(
    string CustomerId,
    DateTimeOffset ExportedAt,
    CustomerProfile? Profile,
    ImmutableArray<JourneyInstance> Instances,
    ImmutableArray<SendRecord> RecentSends,
    ImmutableSortedDictionary<string, DateTimeOffset> LastEntered,
    ImmutableArray<Effect> PendingEffects,
    IReadOnlyList<DueTimer> Timers,
    IReadOnlyList<TimelineEvent> Events,
    IReadOnlyList<HistoryEntry> History,
    IReadOnlyList<MessageRecord> Messages,
    IReadOnlyList<PointsEntry> Points,
    IReadOnlyList<CouponRecord> Coupons,
    ReferralsExport Referrals,
    IReadOnlyList<PoisonInput> Poison);

/// <summary>Who referred the customer (with the reward), their own referral code, and the customers they referred.</summary>
public sealed record ReferralsExport(ReferredBy? ReferredBy, string Code, IReadOnlyList<AcceptedReferral> Referred);

/// <param name="Erased">Whether anything was held (the tombstone is written either way).</param>
public sealed record ErasureResult(string CustomerId, bool Erased, int CancelledInstances);
