using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Storage;

/// <summary>A customer's points ledger, coupons and the referrals they brought in.</summary>
public interface ICustomerLedgers
{
    Task<IReadOnlyList<PointsEntry>> ReadPointsAsync(string customerId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<CouponRecord>> ReadCouponsAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Referrals a referrer brought in since <paramref name="since"/> (kept up to date as referees' documents are committed).</summary>
    Task<IReadOnlyList<AcceptedReferral>> ReadReferralsAsync(string referrerId, DateTimeOffset since, CancellationToken cancellationToken = default);
}
