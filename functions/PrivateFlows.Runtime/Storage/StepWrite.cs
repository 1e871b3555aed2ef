using System.Collections.Immutable;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// Everything a committed step writes beside the customer document, as neutral rows: computed once from the
/// decision (<see cref="Plan"/>, pure), so every store only persists rows and none knows what an effect means.
/// Every row is keyed by a deterministic id, so writing a plan twice changes nothing.
/// </summary>
public sealed record StepWrite
{
    public static readonly StepWrite Empty = new();

    public ImmutableArray<HistoryRow> History { get; init; } = [];

    /// <summary>Timer index changes in decision order (a step may cancel a timer and schedule one with the same id).</summary>
    public ImmutableArray<TimerChange> Timers { get; init; } = [];

    public ImmutableArray<PointsEntry> Points { get; init; } = [];

    public ImmutableArray<CouponRecord> Coupons { get; init; } = [];

    /// <summary>Message records (sandboxed sends, or deliveries of the outbox).</summary>
    public ImmutableArray<MessageRecord> Messages { get; init; } = [];

    public ImmutableArray<JourneyFact> Facts { get; init; } = [];

    /// <summary>Events for other customers' inboxes (a paid referral reward's credit for the referrer), received at <see cref="At"/>.</summary>
    public ImmutableArray<CustomerEvent> InboxEvents { get; init; } = [];

    public StepIndexMoves StepIndex { get; init; } = StepIndexMoves.None;

    /// <summary>The customer's referral link, when the customer was referred (an upsert: unchanged links are not rewritten).</summary>
    public ReferralLink? Referral { get; init; }

    /// <summary>When the rows were written (the time of rows whose effect carries none).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>
    /// The plan for committing <paramref name="document"/> over version <paramref name="expectedVersion"/> with
    /// <paramref name="effects"/> carried out: their rows, the journey facts they give, and the step-index and
    /// referral changes between <paramref name="previous"/> (the replaced document, when at hand) and the document.
    /// </summary>
    public static StepWrite Plan(CustomerDocument? previous, long expectedVersion, CustomerDocument document, IReadOnlyList<Effect> effects, IReadOnlyList<MessageRecord> messages, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(effects);
        ArgumentNullException.ThrowIfNull(messages);
        var known = expectedVersion == 0 ? null : previous is { } p && p.Version == expectedVersion ? p : null;
        var replaced = expectedVersion == 0 || known is not null;
        var rows = Effects(document, effects, at) with
        {
            Messages = [.. messages],
            StepIndex = Moves(replaced ? known : null, replaced, document),
            Referral = document.State.Profile.ReferredBy is { } referral ? new ReferralLink(document.CustomerId, referral.ReferrerId, referral.AcceptedAt) : null,
        };
        return rows;
    }

    /// <summary>The rows of effects carried out at <paramref name="at"/> for a customer whose document is <paramref name="document"/>.</summary>
    private static StepWrite Effects(CustomerDocument document, IReadOnlyList<Effect> effects, DateTimeOffset at)
    {
        var history = ImmutableArray.CreateBuilder<HistoryRow>();
        var timers = ImmutableArray.CreateBuilder<TimerChange>();
        var points = ImmutableArray.CreateBuilder<PointsEntry>();
        var coupons = ImmutableArray.CreateBuilder<CouponRecord>();
        var inbox = ImmutableArray.CreateBuilder<CustomerEvent>();
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case RecordHistory h:
                    history.Add(new HistoryRow(h.CustomerId, h.Entry));
                    break;
                case ScheduleTimer t:
                    timers.Add(new TimerChange(t.TimerId, new DueTimer(t.TimerId, t.CustomerId, t.InstanceId, t.DueAt)));
                    break;
                case CancelTimer c:
                    timers.Add(new TimerChange(c.TimerId, null));
                    break;
                case AwardPoints a:
                    points.Add(new PointsEntry(a.EffectId, a.CustomerId, a.InstanceId, a.Points, "journey", a.Reason, PointsStatus.Credited, at, a.ExpiresAt));
                    break;
                case RecordPoints r:
                    points.Add(new PointsEntry(r.EffectId, r.CustomerId, null, r.Entry.Points, r.Entry.Rule, r.Entry.Reason, PointsStatus.Credited, r.Entry.At, r.Entry.ExpiresAt));
                    break;
                case RewardReferral r:
                    ReferralReward(r, at, points, inbox);
                    break;
                case IssueCoupon c:
                    coupons.Add(new CouponRecord(c.Code, c.EffectId, c.CustomerId, c.InstanceId, c.Coupon, c.Amount, c.ExpiresAt, at));
                    break;
            }
        }

        return new StepWrite
        {
            History = history.DrainToImmutable(),
            Timers = timers.DrainToImmutable(),
            Points = points.DrainToImmutable(),
            Coupons = coupons.DrainToImmutable(),
            Facts = [.. JourneyFacts.From(document, effects, at)],
            InboxEvents = inbox.DrainToImmutable(),
            At = at,
        };
    }

    /// <summary>
    /// The referee's ledger row; a held reward also holds the referrer's row, a paid one credits the referrer through
    /// their own step: their points.awarded event enters the inbox with this write, and their decider writes the
    /// ledger row and the balance.
    /// </summary>
    private static void ReferralReward(RewardReferral r, DateTimeOffset at, ImmutableArray<PointsEntry>.Builder points, ImmutableArray<CustomerEvent>.Builder inbox)
    {
        var status = r.Held ? PointsStatus.Held : PointsStatus.Credited;
        var why = r.Held ? $"held: {r.HoldReason}" : "paid";
        points.Add(new PointsEntry($"{r.EffectId}/referee", r.CustomerId, r.InstanceId, r.RefereePoints, "referral", $"referral reward, referee ({why})", status, at, r.RefereeExpiresAt));
        if (r.Held && r.ReferrerId.Length > 0)
        {
            points.Add(new PointsEntry($"{r.EffectId}/referrer", r.ReferrerId, r.InstanceId, r.ReferrerPoints, "referral", $"referral reward for referring {r.CustomerId} ({why})", status, at));
        }
        else if (ReferrerCredit.For(r, at) is { } credit)
        {
            inbox.Add(credit);
        }
    }

    /// <summary>The instances that moved between the replaced document (when <paramref name="replaced"/> says it is known) and the new one.</summary>
    private static StepIndexMoves Moves(CustomerDocument? previous, bool replaced, CustomerDocument document)
    {
        var now = IndexedStep.InFlight(document);
        if (!replaced) return new StepIndexMoves([.. now], [], ReplaceAll: true);
        var before = previous is null ? ImmutableDictionary<string, IndexedStep>.Empty : IndexedStep.InFlight(previous);
        var upserted = ImmutableArray.CreateBuilder<KeyValuePair<string, IndexedStep>>();
        foreach (var moved in now)
        {
            if (!before.TryGetValue(moved.Key, out var was) || was != moved.Value) upserted.Add(moved);
        }

        var removed = ImmutableArray.CreateBuilder<string>();
        foreach (var instanceId in before.Keys)
        {
            if (!now.ContainsKey(instanceId)) removed.Add(instanceId);
        }

        return upserted.Count == 0 && removed.Count == 0 ? StepIndexMoves.None : new StepIndexMoves(upserted.DrainToImmutable(), removed.DrainToImmutable(), false);
    }
}
