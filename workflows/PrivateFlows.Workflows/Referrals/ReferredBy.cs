namespace PrivateFlows.Workflows.Referrals;

/// <summary>
/// On the referee's profile: who referred them (from <c>referral.accepted</c>), what happened since
/// (first paid order, first refund — the refund state the anti-fraud check reads) and the reward.
/// The first accepted referral wins; later ones are ignored.
/// </summary>
public sealed record ReferredBy
{
    public required string ReferrerId { get; init; }
    public string? Code { get; init; }
    public required DateTimeOffset AcceptedAt { get; init; }
    /// <summary>The <c>referral.accepted</c> event.</summary>
    public required string EventId { get; init; }
    /// <summary>The referee's first paid order at or after acceptance.</summary>
    public DateTimeOffset? FirstPaidOrderAt { get; init; }
    /// <summary>The referee's first refund at or after acceptance.</summary>
    public DateTimeOffset? FirstRefundAt { get; init; }
    public ReferralReward? Reward { get; init; }
}
