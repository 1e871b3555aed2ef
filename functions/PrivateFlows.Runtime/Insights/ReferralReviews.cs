using System.Collections.Immutable;
using System.Text.Json.Nodes;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// Ops' review of referral rewards held by the anti-fraud rules: the list, and approve/reject — published as the
/// events <c>referral.reward_approved</c> / <c>referral.reward_rejected</c> (subject = the referee, data.rewardId)
/// through the normal ingest, so the decider pays or refuses the reward like any other input.
/// </summary>
public sealed class ReferralReviews(CustomerDirectory customers, EventIngest ingest, TimeProvider clock)
{
    public const string Source = "privateflows/ops";

    public async Task<IReadOnlyList<HeldReward>> HeldAsync(CancellationToken cancellationToken = default)
    {
        var held = new List<HeldReward>();
        await foreach (var profile in customers.ProfilesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (profile.ReferredBy is { Reward: { Status: ReferralRewardStatus.Held } reward } link) held.Add(HeldReward.Of(profile.CustomerId, link, reward));
        }

        return [.. held.OrderBy(h => h.HeldAt).ThenBy(h => h.RewardId, StringComparer.Ordinal)];
    }

    /// <summary>Publishes the decision on a held reward; the event id is deterministic, so a double click is one decision.</summary>
    public async Task<ReviewResult> DecideAsync(string rewardId, bool approve, string? note, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(rewardId);
        await foreach (var profile in customers.ProfilesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (profile.ReferredBy is not { Reward: { } reward } || reward.RewardId != rewardId) continue;
            if (reward.Status != ReferralRewardStatus.Held) return new ReviewResult(ReviewStatus.NotHeld, rewardId, profile.CustomerId, null, reward.Status);

            var type = approve ? EventTypes.ReferralRewardApproved : EventTypes.ReferralRewardRejected;
            var data = new JsonObject { ["rewardId"] = rewardId };
            if (!string.IsNullOrWhiteSpace(note)) data["reason"] = note;
            var id = $"review-{(approve ? "approved" : "rejected")}-{DeterministicIds.Hash(rewardId)[..24]}";
            var e = new CustomerEvent(id, type, profile.CustomerId, clock.GetUtcNow(), data, Source);
            await ingest.AcceptAsync([e], cancellationToken).ConfigureAwait(false);
            return new ReviewResult(ReviewStatus.Published, rewardId, profile.CustomerId, id, reward.Status);
        }

        return new ReviewResult(ReviewStatus.NotFound, rewardId, null, null, null);
    }
}

/// <summary>A referral reward waiting for review, with why it was held.</summary>
public sealed record HeldReward(
    string RewardId,
    string RefereeId,
    string ReferrerId,
    string InstanceId,
    long ReferrerPoints,
    long RefereePoints,
    DateTimeOffset HeldAt,
    DateTimeOffset AcceptedAt,
    ImmutableArray<ReferralHold> Holds)
{
    public static HeldReward Of(string refereeId, ReferredBy link, ReferralReward reward) =>
        new(reward.RewardId, refereeId, reward.ReferrerId, reward.InstanceId, reward.ReferrerPoints, reward.RefereePoints, reward.At, link.AcceptedAt, reward.Holds);
}

public enum ReviewStatus { Published, NotFound, NotHeld }

/// <param name="EventId">The approve/reject event published (null when nothing was).</param>
/// <param name="Status">The reward's status when the request came (held for a published decision).</param>
public sealed record ReviewResult(ReviewStatus Outcome, string RewardId, string? RefereeId, string? EventId, ReferralRewardStatus? Status);
