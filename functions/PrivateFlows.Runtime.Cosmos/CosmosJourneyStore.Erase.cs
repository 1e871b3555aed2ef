using System.Net;
using Microsoft.Azure.Cosmos;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosJourneyStore
{
    /// <summary>
    /// Erases a customer: the timers listed in the customer item (deleted by id in their buckets) and the referral
    /// link in the referrer's partition, then every item of the customer's partitions in <c>history</c> (events,
    /// history, messages, points, coupons), <c>poison</c> and last <c>customers</c> — single-partition queries and
    /// deletes, so a retry after a failure finishes the job.
    /// </summary>
    public async Task<bool> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await TombstoneAndAnonymiseAsync(customerId, cancellationToken).ConfigureAwait(false); // CosmosJourneyStore.Insights.cs
        var removed = 0;
        var (_, item, _) = await ReadAsync<CustomerItem>(_customers, "customer.read", CosmosKeys.CustomerId(customerId), Key(customerId), cancellationToken).ConfigureAwait(false);
        if (item is not null)
        {
            foreach (var timer in item.Timers ?? [])
            {
                await DeleteTimerAsync(timer.TimerId, timer.Bucket, cancellationToken, lookUp: false).ConfigureAwait(false);
            }

            await EraseStepsAsync(item, cancellationToken).ConfigureAwait(false); // CosmosJourneyStore.Steps.cs

            if (item.Referral is { } referral)
            {
                await DeleteAsync(_customers, "referral.delete", CosmosKeys.Id(CosmosKeys.Referral, customerId), Key(referral.ReferrerId), cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var (container, name) in new[] { (_history, "history"), (_poison, "poison"), (_customers, "customer") })
        {
            var query = new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.customerId = @pk").WithParameter("@pk", customerId);
            var ids = await QueryAsync(container, $"{name}.query-erase", query, Key(customerId), cancellationToken).ConfigureAwait(false);
            // The customer item goes last: while it exists, a retry still finds the timers to delete.
            var ordered = ids.Select(i => i.GetString()!).OrderBy(id => id == CosmosKeys.CustomerId(customerId)).ToList();
            await Parallel.ForEachAsync(ordered.Where(id => id != CosmosKeys.CustomerId(customerId)),
                new ParallelOptions { MaxDegreeOfParallelism = ParallelWrites, CancellationToken = cancellationToken }, async (id, ct) =>
                {
                    if (await DeleteAsync(container, $"{name}.delete", id, Key(customerId), ct).ConfigureAwait(false) == HttpStatusCode.NoContent) Interlocked.Increment(ref removed);
                }).ConfigureAwait(false);
            if (ordered.Contains(CosmosKeys.CustomerId(customerId))
                && await DeleteAsync(container, $"{name}.delete", CosmosKeys.CustomerId(customerId), Key(customerId), cancellationToken).ConfigureAwait(false) == HttpStatusCode.NoContent)
            {
                removed++;
            }
        }

        _customerItems.Forget(customerId);
        _owners.ForgetWhere(owner => owner == customerId);
        _timerBuckets.ForgetWhere(timer => timer.CustomerId == customerId);
        return removed > 0 || item is not null;
    }
}
