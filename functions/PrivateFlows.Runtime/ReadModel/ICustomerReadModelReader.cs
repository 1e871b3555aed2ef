using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.ReadModel;

/// <summary>
/// What the HTTP API, the dashboard and the CLI show marketers and ops in Azure, read from the read model that
/// <see cref="ICustomerReadModel"/> writes: a customer's document (profile, loyalty, journey instances), step history
/// per instance and per customer, messages, points, coupons and referrals, profiles in pages (segments, KPIs),
/// anonymous journey facts and the live step counts. Nothing here is used to decide a step.
/// </summary>
public interface ICustomerReadModelReader
{
    /// <summary>The customer as of the last step written (no outbox, no processed-input ids); null when unknown or erased.</summary>
    Task<CustomerDocument?> ReadCustomerAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>History entries of one instance in the order they were written; pass <see cref="HistoryPage.Next"/> as <paramref name="after"/> to read on.</summary>
    Task<HistoryPage> ReadInstanceHistoryAsync(string instanceId, long after, int limit, CancellationToken cancellationToken = default);

    /// <summary>History entries of all of a customer's instances in the order they were written.</summary>
    Task<HistoryPage> ReadCustomerHistoryAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default);

    /// <summary>The customer an instance belongs to; null when no history of it was written.</summary>
    Task<string?> FindInstanceCustomerAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>The customer's messages, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<MessageRecord>> ReadMessagesAsync(string customerId, int limit, CancellationToken cancellationToken = default);

    /// <summary>One message by the effect id of its send; null when unknown.</summary>
    Task<MessageRecord?> ReadMessageAsync(string effectId, CancellationToken cancellationToken = default);

    /// <summary>The customer's points ledger, oldest first.</summary>
    Task<IReadOnlyList<PointsEntry>> ReadPointsAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>The coupons issued to the customer, oldest first.</summary>
    Task<IReadOnlyList<CouponRecord>> ReadCouponsAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Referrals a referrer brought in since <paramref name="since"/> (from the referees' profiles as written), oldest first.</summary>
    Task<IReadOnlyList<AcceptedReferral>> ReadReferralsAsync(string referrerId, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Customer profiles in customer-id order (ordinal), after <paramref name="afterCustomerId"/> (null: from the start).</summary>
    Task<IReadOnlyList<CustomerProfile>> ReadProfilesAsync(string? afterCustomerId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every fact about a journey's instances (written once per fact id, kept anonymised when a customer is erased).</summary>
    Task<IReadOnlyList<JourneyFact>> ReadJourneyFactsAsync(string journey, CancellationToken cancellationToken = default);

    /// <summary>
    /// In-flight instances of <paramref name="journey"/> per version and step (only <paramref name="version"/> when
    /// given), ordered by version then step (ordinal); steps with none are left out.
    /// </summary>
    Task<IReadOnlyList<InstanceStepCount>> CountInstancesByStepAsync(string journey, string? version = null, CancellationToken cancellationToken = default);

    /// <summary>Whether the customer was erased (steps written for the id afterwards are dropped).</summary>
    Task<bool> IsErasedAsync(string customerId, CancellationToken cancellationToken = default);
}
