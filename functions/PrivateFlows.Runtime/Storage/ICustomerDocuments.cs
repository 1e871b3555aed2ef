using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Storage;

/// <summary>Customer documents as stored (the unit of consistency), and the profiles in them.</summary>
public interface ICustomerDocuments
{
    Task<CustomerDocument?> ReadCustomerAsync(string customerId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> ReadCustomersWithPendingEffectsAsync(CancellationToken cancellationToken = default);

    /// <summary>Customer profiles in customer-id order (ordinal), after <paramref name="afterCustomerId"/> (null: from the start); for segments, KPIs and RFM quintiles.</summary>
    Task<IReadOnlyList<CustomerProfile>> ReadProfilesAsync(string? afterCustomerId, int limit, CancellationToken cancellationToken = default);
}
