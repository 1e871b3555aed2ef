using System.Collections.Immutable;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// Something the runtime must do after committing a decision. <see cref="EffectId"/> is deterministic
/// (customer + journey + entry event + step + sequence), so the runtime uses it as the idempotency key.
/// </summary>
public abstract record Effect(string EffectId, string CustomerId);

public sealed record ScheduleTimer(string EffectId, string CustomerId, string TimerId, string InstanceId, DateTimeOffset DueAt) : Effect(EffectId, CustomerId);

public sealed record CancelTimer(string EffectId, string CustomerId, string TimerId, string InstanceId) : Effect(EffectId, CustomerId);

public sealed record SendMessage(
    string EffectId,
    string CustomerId,
    string InstanceId,
    string Journey,
    string StepId,
    string Channel,
    SendCategory Category,
    string Template,
    string Locale,
    string? Subject,
    string Body,
    string? Address) : Effect(EffectId, CustomerId);

/// <summary>A journey's <c>award_points</c> step: one ledger entry with id <see cref="Effect.EffectId"/>.</summary>
public sealed record AwardPoints(string EffectId, string CustomerId, string InstanceId, long Points, string Reason) : Effect(EffectId, CustomerId)
{
    /// <summary>When the awarded points expire under the loyalty program (null: never, or a deduction).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

public sealed record IssueCoupon(string EffectId, string CustomerId, string InstanceId, string Coupon, string Code, decimal Amount, DateTimeOffset? ExpiresAt) : Effect(EffectId, CustomerId);

public sealed record ChangeTags(string EffectId, string CustomerId, string InstanceId, ImmutableArray<string> Added, ImmutableArray<string> Removed) : Effect(EffectId, CustomerId);

public sealed record SetAttribute(string EffectId, string CustomerId, string InstanceId, string Name, string Value) : Effect(EffectId, CustomerId);

public sealed record CallWebhook(string EffectId, string CustomerId, string InstanceId, string Url, string Body) : Effect(EffectId, CustomerId);

/// <summary>
/// A referral reward for both sides, paid or held for review. Ledger entries: <c>{EffectId}/referee</c> for the
/// customer (its balance already includes a paid one) and, for a held reward, a held <c>{EffectId}/referrer</c> for
/// <see cref="ReferrerId"/>. A paid reward credits the referrer through their own document: the runtime ingests
/// <see cref="Referrals.ReferrerCredit.For"/> (a <c>points.awarded</c> event with id and ledger entry id
/// <c>{EffectId}/referrer</c>) for the referrer. A held reward that ops approve comes back as a second, paid
/// <see cref="RewardReferral"/> with id <c>{held EffectId}/approved</c>.
/// </summary>
public sealed record RewardReferral(string EffectId, string CustomerId, string InstanceId, string ReferrerId, long ReferrerPoints, long RefereePoints, bool Held, string? HoldReason) : Effect(EffectId, CustomerId)
{
    /// <summary>Stable codes of the hold reasons (<c>Referrals.ReferralHold</c>: self-referral, shared-device, …).</summary>
    public ImmutableArray<string> HoldCodes { get; init; } = [];
    /// <summary>When the referee's points expire under the loyalty program.</summary>
    public DateTimeOffset? RefereeExpiresAt { get; init; }
    /// <summary>When the reward was decided: the time of the referrer's <c>points.awarded</c> event (null in outboxes written before it existed).</summary>
    public DateTimeOffset? At { get; init; }
}

/// <summary>
/// A points ledger entry from the loyalty program's rules (order, birthday month, check-in, interactions, refund
/// claw-back, redemption, award, expiry). <see cref="Effect.EffectId"/> is the entry id (<c>&lt;event id&gt;/&lt;rule&gt;</c>,
/// <c>expire/&lt;entry id&gt;</c>, …): write it once. The balance on the profile already includes it.
/// </summary>
public sealed record RecordPoints(string EffectId, string CustomerId, PointsLedgerEntry Entry) : Effect(EffectId, CustomerId)
{
    public long Points => Entry.Points;
    public string Rule => Entry.Rule;
    public DateTimeOffset? ExpiresAt => Entry.ExpiresAt;
}

/// <summary>The member tier changed (upgrade, or the yearly review); the profile already has the new tier.</summary>
public sealed record TierChanged(string EffectId, string CustomerId, string From, string To, bool Upgrade, DateTimeOffset At, string Reason) : Effect(EffectId, CustomerId);

/// <summary>One line of an instance's history ("why didn't she get the coupon?").</summary>
public sealed record RecordHistory(string EffectId, string CustomerId, HistoryEntry Entry) : Effect(EffectId, CustomerId);

public sealed record CompleteInstance(string EffectId, string CustomerId, string InstanceId, string Journey, InstanceOutcome Outcome, string? Variant) : Effect(EffectId, CustomerId);
