using System.Collections.Immutable;

namespace PrivateFlows.Workflows.Referrals;

/// <summary>
/// The referral reward decided for a referee: <see cref="RewardId"/> is the effect id of the
/// <c>RewardReferral</c> effect that paid or held it, so ops' approve/reject can name it.
/// </summary>
public sealed record ReferralReward(
    string RewardId,
    string InstanceId,
    string ReferrerId,
    long ReferrerPoints,
    long RefereePoints,
    ReferralRewardStatus Status,
    DateTimeOffset At)
{
    public ImmutableArray<ReferralHold> Holds { get; init; } = [];

    /// <summary>Ops' note on approval or rejection.</summary>
    public string? Note { get; init; }
}
