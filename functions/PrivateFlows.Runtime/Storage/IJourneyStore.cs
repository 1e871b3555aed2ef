using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// Durable state of the engine. The customer document is the unit of consistency (replaced whole, ETag-checked);
/// everything else is written by idempotent operations keyed by deterministic ids, so replays are harmless.
/// </summary>
public interface IJourneyStore
{
    // ── inbox and timeline ────────────────────────────────────────────────
    /// <summary>Durably accepts events (one transaction); returns the ids that were new (duplicates are ignored).</summary>
    Task<IReadOnlyList<string>> AcceptEventsAsync(IReadOnlyList<CustomerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    /// <summary>Accepted events not processed yet, oldest first (for recovery at start-up).</summary>
    Task<IReadOnlyList<CustomerEvent>> ReadPendingEventsAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TimelineEvent>> ReadEventsAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default);

    Task<EventStatus?> ReadEventStatusAsync(string eventId, CancellationToken cancellationToken = default);

    // ── customers ─────────────────────────────────────────────────────────
    Task<CustomerDocument?> ReadCustomerAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Commits a step; throws <see cref="ConcurrencyConflictException"/> when the version moved. Returns the stored document.</summary>
    Task<CustomerDocument> CommitStepAsync(StepCommit commit, CancellationToken cancellationToken = default);

    /// <summary>
    /// True when <see cref="CommitStepAsync"/> carries out <see cref="StepCommit.AppliedEffects"/> in the same transaction
    /// as the document (one write per step instead of commit + outbox completion). Stores without it get every effect
    /// through the outbox.
    /// </summary>
    bool AppliesEffectsOnCommit => false;

    /// <summary>
    /// Records dispatched effects idempotently (history, timer index, points, coupons, messages) and removes them
    /// from the document's outbox, checked against the document's version. Returns the stored document.
    /// </summary>
    Task<CustomerDocument> CompleteEffectsAsync(CustomerDocument document, IReadOnlyList<Effect> effects, IReadOnlyList<MessageRecord> messages, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Marks an input consumed without a new step (it was already processed): the inbox row done, the timer out of the index.</summary>
    Task MarkConsumedAsync(string? eventId, string? timerId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> ReadCustomersWithPendingEffectsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases everything kept about a customer (GDPR/PIPL): document, events, history, timers, messages, ledgers,
    /// poison, referral links. Leaves a tombstone (a hash of the id, written even when nothing was there) so late
    /// inputs are dropped instead of recreating the customer, and keeps the customer's journey facts anonymised.
    /// Returns false when nothing was there.
    /// </summary>
    Task<bool> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default);

    // ── timers ────────────────────────────────────────────────────────────
    /// <summary>The earliest timers, soonest first.</summary>
    Task<IReadOnlyList<DueTimer>> ReadEarliestTimersAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Timers due by <paramref name="now"/> after <paramref name="after"/> (null: from the first), at most
    /// <paramref name="limit"/>, in due order, with the cursor of the last one; each page costs a seek, not a re-read.
    /// </summary>
    Task<DueTimerPage> ReadDueTimersAsync(DateTimeOffset now, TimerCursor? after, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DueTimer>> ReadTimersAsync(string customerId, CancellationToken cancellationToken = default);

    // ── poison ────────────────────────────────────────────────────────────
    /// <summary>Sets an input aside; for an event the inbox marks it poison, for a timer the timer leaves the index.</summary>
    Task ParkPoisonAsync(PoisonInput poison, string? eventId, string? timerId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PoisonInput>> ReadPoisonAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>One parked (or resolved) input; null when unknown. Stores without their own lookup search the newest 5000.</summary>
    async Task<PoisonInput?> ReadPoisonAsync(string inputId, CancellationToken cancellationToken = default) =>
        (await ReadPoisonAsync(5000, cancellationToken).ConfigureAwait(false)).FirstOrDefault(p => p.InputId == inputId);

    /// <summary>Counts an ops retry of a parked input; false when it is not parked (resolved meanwhile).</summary>
    Task<bool> CountPoisonRetryAsync(string inputId, CancellationToken cancellationToken = default);

    /// <summary>Marks a parked input resolved: an ops retry processed it. Parking it again makes it parked again.</summary>
    Task ResolvePoisonAsync(string inputId, DateTimeOffset at, CancellationToken cancellationToken = default);

    // ── history ───────────────────────────────────────────────────────────
    Task<HistoryPage> ReadInstanceHistoryAsync(string instanceId, long after, int limit, CancellationToken cancellationToken = default);

    Task<HistoryPage> ReadCustomerHistoryAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default);

    Task<string?> FindInstanceCustomerAsync(string instanceId, CancellationToken cancellationToken = default);

    // ── messages, points, coupons ─────────────────────────────────────────
    Task<IReadOnlyList<MessageRecord>> ReadMessagesAsync(string customerId, int limit, CancellationToken cancellationToken = default);

    Task<MessageRecord?> ReadMessageAsync(string effectId, CancellationToken cancellationToken = default);

    /// <summary>Records a delivery right after it happened (a delivered message is never downgraded).</summary>
    Task RecordMessageAsync(MessageRecord message, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PointsEntry>> ReadPointsAsync(string customerId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<CouponRecord>> ReadCouponsAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Referrals a referrer brought in since <paramref name="since"/> (kept up to date as referees' documents are committed).</summary>
    Task<IReadOnlyList<AcceptedReferral>> ReadReferralsAsync(string referrerId, DateTimeOffset since, CancellationToken cancellationToken = default);

    // ── journeys ──────────────────────────────────────────────────────────
    /// <summary>Stores a version unless the same content (hash) is already published; numbers are 1, 2, … per journey.</summary>
    Task<PublishedJourney> PublishJourneyAsync(JourneyVersion version, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PublishedJourney>> ReadJourneysAsync(CancellationToken cancellationToken = default);

    // ── status ────────────────────────────────────────────────────────────
    Task<StoreStatus> ReadStatusAsync(CancellationToken cancellationToken = default);

    // ── insights and privacy ──────────────────────────────────────────────
    /// <summary>Customer profiles in customer-id order (ordinal), after <paramref name="afterCustomerId"/> (null: from the start); for segments, KPIs and RFM quintiles.</summary>
    Task<IReadOnlyList<CustomerProfile>> ReadProfilesAsync(string? afterCustomerId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every fact about a journey's instances. Facts are written with the effects they derive from
    /// (<c>JourneyFacts.From</c>, inside <see cref="CompleteEffectsAsync"/>, once per fact id) and survive
    /// <see cref="EraseCustomerAsync"/> anonymised.
    /// </summary>
    Task<IReadOnlyList<JourneyFact>> ReadJourneyFactsAsync(string journey, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many in-flight (not ended) instances of <paramref name="journey"/> are at each step, per version (only
    /// <paramref name="version"/> when given): the live counts of the journey graph. Read from an index the store keeps
    /// with every customer commit, so it costs in proportion to the journey's steps or in-flight instances, never a scan
    /// of all customers. Rows with no instances are left out; ordered by version, then step (ordinal).
    /// </summary>
    Task<IReadOnlyList<InstanceStepCount>> CountInstancesByStepAsync(string journey, string? version = null, CancellationToken cancellationToken = default);

    /// <summary>Whether <see cref="EraseCustomerAsync"/> left a tombstone for the id (late inputs for it are dropped, not processed).</summary>
    Task<bool> IsErasedAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Drops a late input for an erased customer: the inbox row or timer is deleted, and the drop counted.</summary>
    Task DropErasedInputAsync(string customerId, string? eventId, string? timerId, CancellationToken cancellationToken = default);

    Task<ErasureCounters> ReadErasureCountersAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a declared A/B winner unless the journey already has one (the first declaration stands); returns the stored one.</summary>
    Task<DeclaredWinner> DeclareWinnerAsync(DeclaredWinner winner, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DeclaredWinner>> ReadWinnersAsync(CancellationToken cancellationToken = default);
}
