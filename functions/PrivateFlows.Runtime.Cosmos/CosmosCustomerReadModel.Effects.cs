using System.Globalization;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosCustomerReadModel
{
    /// <summary>How many records one step may order under its time (seq = step time in ms × this + position).</summary>
    private const long SeqPerStep = 1000;

    /// <summary>
    /// Writes one step in (usually) two writes: the customer item (document and live-count entries, patched unless an
    /// older step comes late; it also tells whether the customer was erased), then one step item holding everything
    /// the step recorded (a create with a deterministic id: 409 = a replay already wrote it). A new referral link and a
    /// held referral reward for the referrer are one more write each, in the referrer's partition. Sequence numbers
    /// come from the step time, so a replay writes the same items.
    /// </summary>
    public async Task WriteStepAsync(CustomerStep step, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var customerId = step.Document.CustomerId;
        var at = step.At.ToUnixTimeMilliseconds();
        var records = StepRecords.From(step);
        var written = await WriteCustomerAsync(step, at, cancellationToken).ConfigureAwait(false); // .Customers.cs
        if (written == CustomerWrite.Erased)
        {
            LogErasedStepDropped(customerId);
            return;
        }

        var writes = new List<Func<CancellationToken, Task>>();
        var seq = at * SeqPerStep;
        var points = records.Points.Select((p, i) => (p.CustomerId, Line: ToLine(p, seq + i))).ToList();
        if (ToStepItem(customerId, seq, records, step.Messages, [.. points.Where(p => p.CustomerId == customerId).Select(p => p.Line)]) is { } item)
        {
            foreach (var instanceId in item.Instances) _owners.Remember(OwnerKey.Instance(instanceId), customerId);
            foreach (var effectId in item.MessageIds ?? []) _owners.Remember(OwnerKey.Effect(effectId), customerId);
            writes.Add(ct => CreateAsync(_history, "step.create", item, Key(customerId), ct));
        }

        foreach (var (owner, line) in points.Where(p => p.CustomerId != customerId))
        {
            var other = new PointsItem(CosmosKeys.Id(CosmosKeys.Points, line.EntryId), owner, line);
            writes.Add(ct => CreateAsync(_history, "points.create", other, Key(owner), ct));
        }

        var known = _written.TryGet(customerId, out var w) ? w : null;
        if (written == CustomerWrite.Newest) AddReferralWrite(writes, step.Document, known);
        try
        {
            await Task.WhenAll(writes.Select(write => write(cancellationToken))).ConfigureAwait(false);
        }
        catch
        {
            _written.Forget(customerId); // whether the link is there is unknown now: the next step writes it again
            throw;
        }

        if (written == CustomerWrite.Newest)
        {
            var link = step.Document.State.Profile.ReferredBy is { } r ? new ReferralLink(r.ReferrerId, r.AcceptedAt.ToUnixTimeMilliseconds()) : null;
            _written.Remember(customerId, new WrittenCustomer(link));
        }

        foreach (var instance in step.Document.State.Instances) _owners.Remember(OwnerKey.Instance(instance.InstanceId), customerId);
    }

    /// <summary>The step item of a step, or null when the step recorded nothing beyond the document (also what the cost model prices).</summary>
    internal static StepItem? ToStepItem(string customerId, long seq, StepRecords records, IReadOnlyList<MessageRecord> messages, IReadOnlyList<PointsLine> points)
    {
        var entries = records.History.Select((e, i) => new HistoryLine(seq + i, e.EntryId, e.InstanceId, e.Journey, CosmosTime.Text(e.Time), e.Kind.ToString(), e.Step, e.Detail)).ToList();
        var facts = records.Facts.Select(ToLine).ToList();
        var mine = messages.Where(m => m.CustomerId == customerId).ToList();
        var coupons = records.Coupons.Where(c => c.CustomerId == customerId).Select(c => new CouponLine(c.Code, c.EffectId, c.InstanceId, c.Coupon,
            c.Amount.ToString(CultureInfo.InvariantCulture), c.ExpiresAt is { } x ? CosmosTime.Text(x) : null, CosmosTime.Text(c.IssuedAt))).ToList();
        // The id comes from the step's time and first record, so the same step always has the same item, and a later step
        // recording the same send again (a delivery after a failure) has its own.
        var first = entries.Select(e => e.EntryId).Concat(facts.Select(f => f.FactId)).Concat(mine.Select(m => m.EffectId))
            .Concat(points.Select(p => p.EntryId)).Concat(coupons.Select(c => c.EffectId)).FirstOrDefault();
        if (first is null) return null;
        var instances = entries.Select(e => e.InstanceId).Distinct(StringComparer.Ordinal).ToList(); // the instances with history here
        var journeys = facts.Select(f => f.Journey).Distinct(StringComparer.Ordinal).ToList();
        return new StepItem(
            CosmosKeys.Id(CosmosKeys.Step, $"{(seq / SeqPerStep).ToString(CultureInfo.InvariantCulture)}/{first}"), customerId, seq, entries.Count == 0 ? 0 : entries[^1].Seq, instances,
            journeys.Count == 0 ? null : journeys,
            entries.Count == 0 ? null : entries,
            facts.Count == 0 ? null : facts,
            mine.Count == 0 ? null : [.. mine.Select(m => m.EffectId)],
            mine.Count == 0 ? null : [.. mine.Select(ToLine)],
            points.Count == 0 ? null : points,
            coupons.Count == 0 ? null : coupons);
    }

    // ── reading the ledgers ───────────────────────────────────────────────

    /// <summary>
    /// The customer's messages, oldest first. A send's record can be written by more than one step (a retry that
    /// delivered it later): the delivered one wins, else the newest — a delivered message is never downgraded.
    /// </summary>
    public async Task<IReadOnlyList<MessageRecord>> ReadMessagesAsync(string customerId, int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT c.messages FROM c WHERE c.customerId = @pk AND c.type = @type AND IS_DEFINED(c.messages) ORDER BY c.seq")
            .WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.Step);
        var rows = await QueryAsync(_history, "step.query-messages", query, Key(customerId), cancellationToken).ConfigureAwait(false);
        return [.. Messages(customerId, rows).Take(Math.Max(1, limit))];
    }

    public async Task<MessageRecord?> ReadMessageAsync(string effectId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (!_owners.TryGet(OwnerKey.Effect(effectId), out var customerId))
        {
            LogLookup("message", effectId);
            var lookup = new QueryDefinition("SELECT TOP 1 VALUE c.customerId FROM c WHERE c.type = @type AND ARRAY_CONTAINS(c.messageIds, @id)")
                .WithParameter("@type", CosmosKeys.Step).WithParameter("@id", effectId);
            var owners = await QueryAcrossPartitionsAsync(_history, "step.lookup-message", lookup, cancellationToken).ConfigureAwait(false);
            if (owners.Count == 0) return null;
            customerId = owners[0].GetString()!;
            _owners.Remember(OwnerKey.Effect(effectId), customerId);
        }

        var query = new QueryDefinition("SELECT c.messages FROM c WHERE c.customerId = @pk AND c.type = @type AND ARRAY_CONTAINS(c.messageIds, @id) ORDER BY c.seq")
            .WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.Step).WithParameter("@id", effectId);
        var rows = await QueryAsync(_history, "step.query-message", query, Key(customerId), cancellationToken).ConfigureAwait(false);
        return Messages(customerId, rows).FirstOrDefault(m => m.EffectId == effectId);
    }

    public async Task<IReadOnlyList<PointsEntry>> ReadPointsAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT c.type, c.points, c.line FROM c WHERE c.customerId = @pk AND ((c.type = @step AND IS_DEFINED(c.points)) OR c.type = @points)")
            .WithParameter("@pk", customerId).WithParameter("@step", CosmosKeys.Step).WithParameter("@points", CosmosKeys.Points);
        var rows = await QueryAsync(_history, "step.query-points", query, Key(customerId), cancellationToken).ConfigureAwait(false);
        var lines = rows.SelectMany(r => r.GetProperty("type").GetString() == CosmosKeys.Points
            ? [CosmosJson.Read<PointsLine>(r.GetProperty("line"))]
            : CosmosJson.Read<List<PointsLine>>(r.GetProperty("points")));
        return [.. lines.DistinctBy(p => p.EntryId).OrderBy(p => p.Seq).Select(p => new PointsEntry(
            p.EntryId, customerId, p.InstanceId, p.Points, p.Rule, p.Reason, Parse<PointsStatus>(p.Status), CosmosTime.Parse(p.At), CosmosTime.ParseOrNull(p.ExpiresAt)))];
    }

    public async Task<IReadOnlyList<CouponRecord>> ReadCouponsAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT c.coupons FROM c WHERE c.customerId = @pk AND c.type = @type AND IS_DEFINED(c.coupons)")
            .WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.Step);
        var rows = await QueryAsync(_history, "step.query-coupons", query, Key(customerId), cancellationToken).ConfigureAwait(false);
        return [.. rows.SelectMany(r => CosmosJson.Read<List<CouponLine>>(r.GetProperty("coupons")))
            .DistinctBy(c => c.EffectId)
            .Select(c => new CouponRecord(c.Code, c.EffectId, customerId, c.InstanceId, c.Coupon, decimal.Parse(c.Amount, CultureInfo.InvariantCulture),
                CosmosTime.ParseOrNull(c.ExpiresAt), CosmosTime.Parse(c.IssuedAt)))
            .OrderBy(c => c.IssuedAt).ThenBy(c => c.Code, StringComparer.Ordinal)];
    }

    /// <summary>Message records of step items in seq order, one per send (delivered wins, else the newest), in order of first appearance.</summary>
    private static IEnumerable<MessageRecord> Messages(string customerId, List<JsonElement> rows)
    {
        var order = new List<string>();
        var chosen = new Dictionary<string, MessageRecord>(StringComparer.Ordinal);
        foreach (var m in rows.SelectMany(r => CosmosJson.Read<List<MessageLine>>(r.GetProperty("messages"))).Select(m => ToMessage(customerId, m)))
        {
            if (!chosen.TryGetValue(m.EffectId, out var known)) order.Add(m.EffectId);
            else if (known.Status == DeliveryStatus.Delivered) continue;
            chosen[m.EffectId] = m;
        }

        return order.Select(id => chosen[id]);
    }

    private static MessageLine ToLine(MessageRecord m) => new(
        m.EffectId, m.InstanceId, m.Journey, m.Step, m.Channel, m.Category, m.Template, m.Locale, m.Subject, m.Body, m.Address, m.Via, Name(m.Status), m.Attempts, m.Detail, CosmosTime.Text(m.At));

    private static MessageRecord ToMessage(string customerId, MessageLine m) => new(
        m.EffectId, customerId, m.InstanceId, m.Journey, m.Step, m.Channel, m.Category, m.Template, m.Locale, m.Subject, m.Body, m.Address, m.Via,
        Parse<DeliveryStatus>(m.Status), m.Attempts, m.Detail, CosmosTime.Parse(m.At));

    private static PointsLine ToLine(PointsEntry e, long seq) => new(
        seq, e.EntryId, e.InstanceId, e.Points, e.Rule, e.Reason, Name(e.Status), CosmosTime.Text(e.At), e.ExpiresAt is { } x ? CosmosTime.Text(x) : null);

    private static FactLine ToLine(JourneyFact f) => new(
        f.FactId, f.InstanceId, f.Journey, Name(f.Kind), CosmosTime.Text(f.At), f.Version, f.Variant, f.Channel,
        f.Amount == 0m ? null : f.Amount.ToString(CultureInfo.InvariantCulture), f.Outcome is { } o ? Name(o) : null, f.Step);

    private static JourneyFact ToFact(FactLine i) => new(
        i.FactId, i.InstanceId, i.Journey, Parse<JourneyFactKind>(i.Kind), CosmosTime.Parse(i.At), i.Version, i.Variant, i.Channel,
        i.Amount is null ? 0m : decimal.Parse(i.Amount, CultureInfo.InvariantCulture), i.Outcome is null ? null : Parse<InstanceOutcome>(i.Outcome), i.Step);

    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static T Parse<T>(string text) where T : struct, Enum => Enum.Parse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A step of erased customer {CustomerId} was dropped (the customer is not recreated)")]
    private partial void LogErasedStepDropped(string customerId);
}
