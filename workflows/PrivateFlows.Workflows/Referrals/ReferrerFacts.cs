using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Referrals;

/// <summary>
/// What the anti-fraud check needs to know about the referrer, which lives on another customer's document:
/// the runtime reads it and hands it to the decider (<c>DecisionContext.Referrers</c>), keeping the decider pure.
/// <see cref="Referrals"/> needs the referrer's recent referrals (at least those of the last two days).
/// </summary>
public sealed record ReferrerFacts(string ReferrerId)
{
    public ImmutableSortedSet<string> DeviceIds { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
    public ImmutableSortedSet<string> Phones { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
    public ImmutableSortedSet<string> PaymentFingerprints { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
    /// <summary>The referrer's emails, normalised (<see cref="Fingerprints.NormalizeEmail"/>).</summary>
    public ImmutableSortedSet<string> Emails { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
    public ImmutableArray<AcceptedReferral> Referrals { get; init; } = [];

    /// <summary>The facts from the referrer's profile (its phone and email included) and their referrals.</summary>
    public static ReferrerFacts From(CustomerProfile referrer, IEnumerable<AcceptedReferral>? referrals = null)
    {
        ArgumentNullException.ThrowIfNull(referrer);
        var prints = referrer.Fingerprints.With(null, referrer.Phone, null);
        return new ReferrerFacts(referrer.CustomerId)
        {
            DeviceIds = prints.DeviceIds,
            Phones = prints.Phones,
            PaymentFingerprints = prints.PaymentFingerprints,
            Emails = Fingerprints.NormalizeEmail(referrer.Email) is { } email ? [email] : [],
            Referrals = referrals is null ? [] : [.. referrals],
        };
    }
}
