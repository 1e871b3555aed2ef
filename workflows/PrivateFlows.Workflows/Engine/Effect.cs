using System.Collections.Immutable;
using PrivateFlows.Workflows.Language;

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

public sealed record AwardPoints(string EffectId, string CustomerId, string InstanceId, long Points, string Reason) : Effect(EffectId, CustomerId);

public sealed record IssueCoupon(string EffectId, string CustomerId, string InstanceId, string Coupon, string Code, decimal Amount, DateTimeOffset? ExpiresAt) : Effect(EffectId, CustomerId);

public sealed record ChangeTags(string EffectId, string CustomerId, string InstanceId, ImmutableArray<string> Added, ImmutableArray<string> Removed) : Effect(EffectId, CustomerId);

public sealed record SetAttribute(string EffectId, string CustomerId, string InstanceId, string Name, string Value) : Effect(EffectId, CustomerId);

public sealed record CallWebhook(string EffectId, string CustomerId, string InstanceId, string Url, string Body) : Effect(EffectId, CustomerId);

public sealed record RewardReferral(string EffectId, string CustomerId, string InstanceId, string ReferrerId, long ReferrerPoints, long RefereePoints, bool Held, string? HoldReason) : Effect(EffectId, CustomerId);

/// <summary>One line of an instance's history ("why didn't she get the coupon?").</summary>
public sealed record RecordHistory(string EffectId, string CustomerId, HistoryEntry Entry) : Effect(EffectId, CustomerId);

public sealed record CompleteInstance(string EffectId, string CustomerId, string InstanceId, string Journey, InstanceOutcome Outcome, string? Variant) : Effect(EffectId, CustomerId);
