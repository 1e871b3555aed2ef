using System.Net;
using Microsoft.Azure.Cosmos;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosCustomerReadModel
{
    private const int ParallelWrites = 8;

    /// <summary>
    /// Erases a customer: the tombstone and the anonymised journey facts first, then the referral link in the
    /// referrer's partition (found through the customer item), then every item of the customer's partitions in
    /// <c>history</c> (step items: history, messages, points, coupons) and <c>customers</c> (the referral links of the
    /// people they referred, the customer item — with its live-count entries — last): single-partition queries and
    /// deletes, so a retry after a failure finishes the job.
    /// </summary>
    public async Task<bool> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var (_, item, _) = await ReadAsync<CustomerItem>(_customers, "customer.read", CosmosKeys.CustomerId(customerId), Key(customerId), cancellationToken).ConfigureAwait(false);
        var document = item is null ? null : ToDocument(item);
        var hadSteps = await HasStepItemsAsync(customerId, cancellationToken).ConfigureAwait(false);
        await TombstoneAndAnonymiseAsync(customerId, cancellationToken).ConfigureAwait(false); // .Insights.cs
        var removed = hadSteps ? 1 : 0;
        if (document is not null)
        {
            if (document.State.Profile.ReferredBy is { } referral)
            {
                await DeleteAsync(_customers, "referral.delete", CosmosKeys.Id(CosmosKeys.Referral, customerId), Key(referral.ReferrerId), cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var (container, name) in new[] { (_history, "history"), (_customers, "customer") })
        {
            var query = new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.customerId = @pk").WithParameter("@pk", customerId);
            var ids = await QueryAsync(container, $"{name}.query-erase", query, Key(customerId), cancellationToken).ConfigureAwait(false);
            // The customer item goes last: while it exists, a retry still finds the referral link to delete.
            var customerItem = CosmosKeys.CustomerId(customerId);
            var ordered = ids.Select(i => i.GetString()!).ToList();
            await Parallel.ForEachAsync(ordered.Where(id => id != customerItem),
                new ParallelOptions { MaxDegreeOfParallelism = ParallelWrites, CancellationToken = cancellationToken }, async (id, ct) =>
                {
                    if (await DeleteAsync(container, $"{name}.delete", id, Key(customerId), ct).ConfigureAwait(false) == HttpStatusCode.NoContent) Interlocked.Increment(ref removed);
                }).ConfigureAwait(false);
            if (ordered.Contains(customerItem)
                && await DeleteAsync(container, $"{name}.delete", customerItem, Key(customerId), cancellationToken).ConfigureAwait(false) == HttpStatusCode.NoContent)
            {
                removed++;
            }
        }

        _written.Forget(customerId);
        _owners.ForgetWhere(owner => owner == customerId);
        return removed > 0 || item is not null;
    }

    private async Task<bool> HasStepItemsAsync(string customerId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT TOP 1 VALUE c.id FROM c WHERE c.customerId = @pk AND c.type = @type").WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.Step);
        return (await QueryAsync(_history, "step.query-any", query, Key(customerId), cancellationToken).ConfigureAwait(false)).Count > 0;
    }
}
