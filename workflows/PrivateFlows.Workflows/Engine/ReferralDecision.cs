using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Workflows.Engine;

/// <summary>The decider's side of referrals: remembers the reward decided for the referee, and applies ops' approval or rejection of a held one.</summary>
internal static class ReferralDecision
{
    /// <summary>Keeps the reward on the referee's referral link (creating the link from the entry event if the profile lacks it).</summary>
    public static void Record(DecisionBuilder b, ReferralReward reward, CustomerEvent referral)
    {
        b.UpdateProfile(p =>
        {
            var link = p.ReferredBy ?? new ReferredBy
            {
                ReferrerId = reward.ReferrerId,
                Code = referral.DataString("referralCode"),
                AcceptedAt = referral.Time,
                EventId = referral.Id,
            };
            return p with { ReferredBy = link with { Reward = reward } };
        });
    }

    /// <summary>
    /// <c>referral.reward_approved</c> pays a held reward: a paid <see cref="RewardReferral"/> with id
    /// <c>{held reward id}/approved</c>, and the referee's points on the balance. <c>referral.reward_rejected</c>
    /// marks it rejected. Only a held reward changes (and only the named one when <c>data.rewardId</c> is given).
    /// </summary>
    public static void OnEvent(DecisionBuilder b, CustomerEvent e)
    {
        if (e.Type is not (EventTypes.ReferralRewardApproved or EventTypes.ReferralRewardRejected)) return;
        if (b.Profile.ReferredBy is not { Reward: { Status: ReferralRewardStatus.Held } reward } link) return;
        if (e.DataString("rewardId") is { Length: > 0 } named && named != reward.RewardId) return;

        var note = e.DataString("reason") ?? e.DataString("note");
        if (e.Type == EventTypes.ReferralRewardRejected)
        {
            b.UpdateProfile(p => p with { ReferredBy = link with { Reward = reward with { Status = ReferralRewardStatus.Rejected, Note = note } } });
            return;
        }

        var customerId = b.State.CustomerId;
        var effectId = $"{reward.RewardId}/approved";
        var expires = reward.RefereePoints > 0 ? b.Context.Program.Loyalty.Expiry.ExpiresAt(e.Time, b.Profile.TimeZone) : null;
        b.Effects.Add(new RewardReferral(effectId, customerId, reward.InstanceId, reward.ReferrerId, reward.ReferrerPoints, reward.RefereePoints, false, null)
        {
            RefereeExpiresAt = expires,
            At = b.Now,
        });
        b.UpdateProfile(p => p with { ReferredBy = link with { Reward = reward with { Status = ReferralRewardStatus.Approved, Note = note } } });
        if (reward.RefereePoints != 0)
        {
            LoyaltyDecision.Credit(b, new PointsLedgerEntry($"{effectId}/referee", customerId, e.Time, reward.RefereePoints, PointsRules.ReferralReferee, $"referral reward approved (referred by {reward.ReferrerId})")
            {
                SourceEventId = e.Id,
                ExpiresAt = expires,
            });
        }
    }
}
