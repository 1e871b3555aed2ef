using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosJourneyStore
{
    private const int ParallelWrites = 8;

    /// <summary>
    /// Writes each effect as an idempotent create keyed by its deterministic id (a 409 means a replay already wrote
    /// it), then replaces the customer item against the ETag of <paramref name="document"/>'s version with the
    /// effects gone from the outbox. The version is checked first, so a stale document writes nothing. History
    /// sequence numbers come from the customer item, so a replay reuses the same numbers.
    /// </summary>
    public async Task<CustomerDocument> CompleteEffectsAsync(CustomerDocument document, IReadOnlyList<Effect> effects, IReadOnlyList<MessageRecord> messages, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(effects);
        ArgumentNullException.ThrowIfNull(messages);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var customerId = document.CustomerId;
        var current = await CurrentAsync(customerId, document.Version, cancellationToken).ConfigureAwait(false);
        var seq = current.Side.HistorySeq;
        var timers = current.Side.Timers;
        var when = CosmosTime.Text(at);
        var writes = new List<Func<CancellationToken, Task>>();
        var timerWrites = new List<Func<CancellationToken, Task>>();
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case RecordHistory h:
                    var entry = h.Entry;
                    var history = new HistoryItem(CosmosKeys.Id(CosmosKeys.History, entry.EntryId), h.CustomerId, ++seq, entry.EntryId, entry.InstanceId, entry.Journey,
                        CosmosTime.Text(entry.Time), entry.Kind.ToString(), entry.Step, entry.Detail);
                    _owners.Remember(OwnerKey.Instance(entry.InstanceId), h.CustomerId);
                    writes.Add(ct => CreateAsync(_history, "history.create", history, Key(history.CustomerId), ct));
                    break;
                case ScheduleTimer t:
                    var scheduled = new TimerEntry(t.TimerId, t.InstanceId, t.DueAt.ToUnixTimeMilliseconds(), CosmosKeys.Bucket(t.DueAt, _options.TimerBucketMinutes));
                    timers = timers.RemoveAll(x => x.TimerId == t.TimerId).Add(scheduled);
                    timerWrites.Add(ct => ScheduleTimerAsync(t.CustomerId, scheduled, ct));
                    break;
                case CancelTimer c:
                    var cancelled = timers.Find(x => x.TimerId == c.TimerId);
                    timers = timers.RemoveAll(x => x.TimerId == c.TimerId);
                    timerWrites.Add(ct => DeleteTimerAsync(c.TimerId, cancelled?.Bucket, ct, lookUp: false));
                    break;
                case AwardPoints p:
                    AddPoints(writes, new PointsEntry(p.EffectId, p.CustomerId, p.InstanceId, p.Points, "journey", p.Reason, PointsStatus.Credited, at, p.ExpiresAt));
                    break;
                case RecordPoints r:
                    var ledger = r.Entry;
                    AddPoints(writes, new PointsEntry(r.EffectId, r.CustomerId, null, ledger.Points, ledger.Rule, ledger.Reason, PointsStatus.Credited, ledger.At, ledger.ExpiresAt));
                    break;
                case RewardReferral r:
                    var status = r.Held ? PointsStatus.Held : PointsStatus.Credited;
                    var why = r.Held ? $"held: {r.HoldReason}" : "paid";
                    AddPoints(writes, new PointsEntry($"{r.EffectId}/referee", r.CustomerId, r.InstanceId, r.RefereePoints, "referral", $"referral reward, referee ({why})", status, at, r.RefereeExpiresAt));
                    if (r.Held && r.ReferrerId.Length > 0)
                    {
                        AddPoints(writes, new PointsEntry($"{r.EffectId}/referrer", r.ReferrerId, r.InstanceId, r.ReferrerPoints, "referral", $"referral reward for referring {r.CustomerId} ({why})", status, at));
                    }
                    else if (ReferrerCredit.For(r, at) is { } credit)
                    {
                        // A paid reward credits the referrer through their own step: their points.awarded event enters their
                        // inbox (written before the outbox is emptied, so a crash replays it; a replay is a 409), and their
                        // decider writes the ledger row and the balance.
                        AddEvent(writes, credit, at);
                    }

                    break;
                case IssueCoupon c:
                    var coupon = new CouponItem(CosmosKeys.Id(CosmosKeys.Coupon, c.EffectId), c.CustomerId, NextSeq(Now), c.Code, c.EffectId, c.InstanceId, c.Coupon,
                        c.Amount.ToString(CultureInfo.InvariantCulture), c.ExpiresAt is { } x ? CosmosTime.Text(x) : null, when);
                    writes.Add(ct => CreateAsync(_history, "coupon.create", coupon, Key(coupon.CustomerId), ct));
                    break;
            }
        }

        foreach (var message in messages) writes.Add(ct => RecordAsync(message, ct));
        AddFactWrites(writes, document, effects, at); // anonymous journey facts (CosmosJourneyStore.Insights.cs)
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = ParallelWrites, CancellationToken = cancellationToken },
            async (write, ct) => await write(ct).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var write in timerWrites) await write(cancellationToken).ConfigureAwait(false); // in order: a timer may be scheduled and cancelled

        var done = effects.Select(e => e.EffectId).ToHashSet(StringComparer.Ordinal);
        var remaining = document with { PendingEffects = [.. document.PendingEffects.Where(e => !done.Contains(e.EffectId))] };
        var side = current.Side with { HistorySeq = seq, Timers = timers };
        return await WriteCustomerAsync(remaining, document.Version, current.ETag, side, cancellationToken).ConfigureAwait(false);
    }

    public async Task RecordMessageAsync(MessageRecord message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        await RecordAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the message record, or else patches the delivery fields (attempts added up) unless it is already
    /// delivered: the patch's filter checks that on the server, so no read comes first.
    /// </summary>
    private async Task RecordAsync(MessageRecord m, CancellationToken cancellationToken)
    {
        var item = new MessageItem(CosmosKeys.Id(CosmosKeys.Message, m.EffectId), m.CustomerId, NextSeq(Now), m.EffectId, m.InstanceId, m.Journey, m.Step, m.Channel, m.Category,
            m.Template, m.Locale, m.Subject, m.Body, m.Address, m.Via, Name(m.Status), m.Attempts, m.Detail, CosmosTime.Text(m.At));
        _owners.Remember(OwnerKey.Effect(m.EffectId), m.CustomerId);
        var (status, _) = await CreateAsync(_history, "message.create", item, Key(m.CustomerId), cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.Conflict) return;
        PatchOperation[] update =
        [
            PatchOperation.Set("/via", m.Via),
            PatchOperation.Set("/status", item.Status),
            PatchOperation.Increment("/attempts", m.Attempts),
            PatchOperation.Set("/detail", m.Detail),
            PatchOperation.Set("/at", item.At),
        ];
        await PatchAsync(_history, "message.patch", item.Id, Key(m.CustomerId), update, cancellationToken, filter: $"FROM c WHERE c.status != '{Name(DeliveryStatus.Delivered)}'").ConfigureAwait(false);
    }

    private void AddEvent(List<Func<CancellationToken, Task>> writes, CustomerEvent e, DateTimeOffset receivedAt)
    {
        var item = new EventItem(CosmosKeys.Id(CosmosKeys.Event, e.Id), e.Subject, e.Id, NextSeq(receivedAt), e.Type, CosmosTime.Text(e.Time), CosmosTime.Text(receivedAt),
            EventStatusText.Pending, CloudEventReader.Write(e).ToJsonString());
        _owners.Remember(OwnerKey.Event(e.Id), e.Subject);
        writes.Add(ct => CreateAsync(_history, "event.create", item, Key(item.CustomerId), ct));
    }

    private void AddPoints(List<Func<CancellationToken, Task>> writes, PointsEntry e)
    {
        var item = new PointsItem(CosmosKeys.Id(CosmosKeys.Points, e.EntryId), e.CustomerId, NextSeq(Now), e.EntryId, e.InstanceId, e.Points, e.Rule, e.Reason, Name(e.Status),
            CosmosTime.Text(e.At), e.ExpiresAt is { } x ? CosmosTime.Text(x) : null);
        writes.Add(ct => CreateAsync(_history, "points.create", item, Key(item.CustomerId), ct));
    }

    // ── reading the ledgers ───────────────────────────────────────────────

    public async Task<IReadOnlyList<MessageRecord>> ReadMessagesAsync(string customerId, int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT TOP @limit * FROM c WHERE c.customerId = @pk AND c.type = @type ORDER BY c.seq")
            .WithParameter("@limit", Math.Max(1, limit)).WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.Message);
        var rows = await QueryAsync(_history, "message.query", query, Key(customerId), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => ToMessage(CosmosJson.Read<MessageItem>(r)))];
    }

    public async Task<MessageRecord?> ReadMessageAsync(string effectId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var id = CosmosKeys.Id(CosmosKeys.Message, effectId);
        if (_owners.TryGet(OwnerKey.Effect(effectId), out var customerId))
        {
            var (_, item, _) = await ReadAsync<MessageItem>(_history, "message.read", id, Key(customerId), cancellationToken).ConfigureAwait(false);
            return item is null ? null : ToMessage(item);
        }

        LogLookup("message", effectId);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.id = @id").WithParameter("@type", CosmosKeys.Message).WithParameter("@id", id);
        var rows = await QueryAcrossPartitionsAsync(_history, "message.lookup", query, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0) return null;
        var found = CosmosJson.Read<MessageItem>(rows[0]);
        _owners.Remember(OwnerKey.Effect(effectId), found.CustomerId);
        return ToMessage(found);
    }

    public async Task<IReadOnlyList<PointsEntry>> ReadPointsAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.customerId = @pk AND c.type = @type").WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.Points);
        var rows = await QueryAsync(_history, "points.query", query, Key(customerId), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => CosmosJson.Read<PointsItem>(r)).OrderBy(p => p.Seq).Select(p => new PointsEntry(
            p.EntryId, p.CustomerId, p.InstanceId, p.Points, p.Rule, p.Reason, Parse<PointsStatus>(p.Status), CosmosTime.Parse(p.At), CosmosTime.ParseOrNull(p.ExpiresAt)))];
    }

    public async Task<IReadOnlyList<CouponRecord>> ReadCouponsAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.customerId = @pk AND c.type = @type").WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.Coupon);
        var rows = await QueryAsync(_history, "coupon.query", query, Key(customerId), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => CosmosJson.Read<CouponItem>(r))
            .Select(c => new CouponRecord(c.Code, c.EffectId, c.CustomerId, c.InstanceId, c.Coupon, decimal.Parse(c.Amount, CultureInfo.InvariantCulture),
                CosmosTime.ParseOrNull(c.ExpiresAt), CosmosTime.Parse(c.IssuedAt)))
            .OrderBy(c => c.IssuedAt).ThenBy(c => c.Code, StringComparer.Ordinal)];
    }

    private static MessageRecord ToMessage(MessageItem m) => new(
        m.EffectId, m.CustomerId, m.InstanceId, m.Journey, m.Step, m.Channel, m.Category, m.Template, m.Locale, m.Subject, m.Body, m.Address, m.Via,
        Parse<DeliveryStatus>(m.Status), m.Attempts, m.Detail, CosmosTime.Parse(m.At));

    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static T Parse<T>(string text) where T : struct, Enum => Enum.Parse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    private static ImmutableList<TimerEntry> Without(ImmutableList<TimerEntry> timers, string timerId) => timers.RemoveAll(t => t.TimerId == timerId);
}
