using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Loyalty;

namespace PrivateFlows.Workflows.Referrals;

/// <summary>
/// The referrer's side of a paid referral reward. The referee's step may not change the referrer's document, so the
/// runtime carries out a paid <see cref="RewardReferral"/> by ingesting this <c>points.awarded</c> event for the
/// referrer, in the same write as the effect. Its id and ledger entry id are both <c>{EffectId}/referrer</c>: the
/// inbox drops a replayed event, and the referrer's decider posts the entry (rule <see cref="PointsRules.ReferralReferrer"/>)
/// once, so the referrer's balance, tier and ledger row come from the referrer's own step, exactly once.
/// </summary>
public static class ReferrerCredit
{
    /// <summary>The CloudEvents source of the events the engine publishes for referrers.</summary>
    public const string Source = "privateflows/referral";

    /// <summary>The event id, and the ledger entry id, of the referrer's credit for <paramref name="reward"/>.</summary>
    public static string Id(RewardReferral reward) => $"{(reward ?? throw new ArgumentNullException(nameof(reward))).EffectId}/referrer";

    /// <summary>
    /// The event that credits the referrer, or null when there is nothing to credit (the reward is held, names no
    /// referrer, or gives the referrer no points). Its time is the reward's <see cref="RewardReferral.At"/>, else
    /// <paramref name="fallbackTime"/> (an outbox effect written before rewards carried their time).
    /// </summary>
    public static CustomerEvent? For(RewardReferral reward, DateTimeOffset fallbackTime)
    {
        ArgumentNullException.ThrowIfNull(reward);
        if (reward.Held || reward.ReferrerId.Length == 0 || reward.ReferrerPoints == 0) return null;
        var id = Id(reward);
        var data = new JsonObject
        {
            ["points"] = reward.ReferrerPoints,
            ["reason"] = $"referral reward for referring {reward.CustomerId}",
            ["entryId"] = id,
            ["rule"] = PointsRules.ReferralReferrer,
            ["refereeId"] = reward.CustomerId,
            ["rewardId"] = reward.EffectId,
        };
        return new CustomerEvent(id, EventTypes.PointsAwarded, reward.ReferrerId, reward.At ?? fallbackTime, data, Source);
    }
}
