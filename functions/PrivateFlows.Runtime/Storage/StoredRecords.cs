using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Storage;

/// <summary>An event as kept on the customer's timeline (the inbox keeps every accepted event).</summary>
public sealed record TimelineEvent(long Seq, CustomerEvent Event, DateTimeOffset ReceivedAt, EventStatus Status)
{
    /// <summary>
    /// The body was dropped after the store's retention: <see cref="Event"/> keeps its id, type, subject and time,
    /// its data is empty.
    /// </summary>
    public bool BodyDropped { get; init; }
}

public enum EventStatus { Pending, Done, Poison }

/// <summary>A durable timer in the index: fire <see cref="InstanceId"/>'s timer at <see cref="DueAt"/>.</summary>
public sealed record DueTimer(string TimerId, string CustomerId, string InstanceId, DateTimeOffset DueAt);

/// <summary>An input that failed repeatedly and was set aside for ops, with the reason.</summary>
public sealed record PoisonInput(string InputId, string CustomerId, string Kind, string Body, string Reason, int Attempts, DateTimeOffset ParkedAt)
{
    /// <summary>Parked, or resolved (an ops retry processed it); a retry that failed again leaves it parked.</summary>
    public PoisonStatus Status { get; init; } = PoisonStatus.Parked;

    /// <summary>Ops retries so far (<c>POST /api/poison/{id}/retry</c>).</summary>
    public int Retries { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }
}

public enum PoisonStatus { Parked, Resolved }

/// <summary>A page of history entries; pass <see cref="Next"/> as <c>after</c> to read on.</summary>
public sealed record HistoryPage(IReadOnlyList<HistoryEntry> Entries, long? Next);

/// <summary>A message a journey sent (or tried to), whichever channel adapter carried it.</summary>
public sealed record MessageRecord(
    string EffectId,
    string CustomerId,
    string? InstanceId,
    string? Journey,
    string? Step,
    string Channel,
    string? Category,
    string? Template,
    string? Locale,
    string? Subject,
    string Body,
    string? Address,
    string Via,
    DeliveryStatus Status,
    int Attempts,
    string? Detail,
    DateTimeOffset At);

public enum DeliveryStatus { Sandboxed, Delivered, Failed }

/// <summary>
/// One line of the points ledger; <see cref="EntryId"/> derives from the effect id, so it is written once.
/// <see cref="Rule"/> is the loyalty rule (<c>order</c>, <c>birthday-month</c>, …) or <c>journey</c> / <c>referral</c>.
/// </summary>
public sealed record PointsEntry(string EntryId, string CustomerId, string? InstanceId, long Points, string Rule, string Reason, PointsStatus Status, DateTimeOffset At, DateTimeOffset? ExpiresAt = null);

public enum PointsStatus { Credited, Held }

public sealed record CouponRecord(string Code, string EffectId, string CustomerId, string InstanceId, string Coupon, decimal Amount, DateTimeOffset? ExpiresAt, DateTimeOffset IssuedAt);

/// <summary>Counts that tell ops whether the engine keeps up.</summary>
public sealed record StoreStatus(long Customers, long PendingEvents, long CustomersWithPendingEffects, long Timers, DateTimeOffset? NextTimerDue, long Poison, long DatabaseBytes);
