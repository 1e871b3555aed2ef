namespace PrivateFlows.Runtime.Storage;

/// <summary>The step-by-step history of instances and customers ("why didn't she get the coupon?").</summary>
public interface IJourneyHistory
{
    Task<HistoryPage> ReadInstanceHistoryAsync(string instanceId, long after, int limit, CancellationToken cancellationToken = default);

    Task<HistoryPage> ReadCustomerHistoryAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default);

    Task<string?> FindInstanceCustomerAsync(string instanceId, CancellationToken cancellationToken = default);
}
