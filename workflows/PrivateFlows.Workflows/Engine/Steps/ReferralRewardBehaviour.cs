using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary>
/// <c>referral_reward</c>: rewards both sides of the referral that started the instance, unless an anti-fraud rule
/// (<see cref="ReferralFraudCheck"/>) or the step's <c>hold_when</c> holds it for review. Sets
/// <c>vars.referral_held</c> ("true"/"false") and <c>vars.referral_hold_reason</c> for the steps after it.
/// </summary>
internal sealed class ReferralRewardBehaviour : StepBehaviour<ReferralRewardStep>
{
    protected override StepMove Run(InstanceRun run, ReferralRewardStep reward)
    {
        var decision = run.Decision;
        var now = run.Now;
        var customer = run.Instance.CustomerId;
        var entry = run.Instance.EntryEvent;
        var profile = decision.Profile;
        var referrer = entry.DataString("referrerId") is { Length: > 0 } named ? named : profile.ReferredBy?.ReferrerId ?? "";
        var facts = referrer.Length > 0 ? decision.Context.Referrers.GetValueOrDefault(referrer) : null;
        var holds = ReferralFraudCheck.Check(profile, entry, facts, decision.Context.Program.Referral).ToBuilder();
        if (reward.HoldWhen is not null && run.IsTrue(reward.HoldWhen)) holds.Add(new ReferralHold(ReferralHold.HoldRule, $"hold rule: {reward.HoldWhen}"));
        var held = holds.Count > 0;
        var hold = held ? string.Join("; ", holds.Select(h => h.Reason)) : null;
        var effectId = run.EffectId("referral");
        var expires = !held && reward.RefereePoints > 0 ? decision.Context.Program.Loyalty.Expiry.ExpiresAt(now, profile.TimeZone) : null;
        decision.Effects.Add(new RewardReferral(effectId, customer, run.Instance.InstanceId, referrer, reward.ReferrerPoints, reward.RefereePoints, held, hold)
        {
            HoldCodes = [.. holds.Select(h => h.Code).Distinct(StringComparer.Ordinal)],
            RefereeExpiresAt = expires,
            At = now,
        });
        ReferralDecision.Record(decision, new ReferralReward(effectId, run.Instance.InstanceId, referrer, reward.ReferrerPoints, reward.RefereePoints, held ? ReferralRewardStatus.Held : ReferralRewardStatus.Paid, now)
        {
            Holds = holds.ToImmutable(),
        }, entry);
        run.Instance = run.Instance with { Vars = run.Instance.Vars.SetItem("referral_held", held ? "true" : "false").SetItem("referral_hold_reason", hold ?? "") };
        if (!held)
        {
            if (reward.RefereePoints != 0)
            {
                LoyaltyDecision.Credit(decision, new PointsLedgerEntry(DeterministicIds.RefereeCredit(effectId), customer, now, reward.RefereePoints, PointsRules.ReferralReferee, $"referral reward (referred by {referrer})")
                {
                    ExpiresAt = expires,
                });
            }

            run.History(HistoryKind.Action, reward.Id, HistoryWording.ReferralPaid(reward.ReferrerPoints, referrer, reward.RefereePoints, customer));
        }
        else
        {
            run.History(HistoryKind.Action, reward.Id, HistoryWording.ReferralHeld(hold));
        }

        return StepMove.GoTo(run.Journey.DefaultNext(reward));
    }
}
