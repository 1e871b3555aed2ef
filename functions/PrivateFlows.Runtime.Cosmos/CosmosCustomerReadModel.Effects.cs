using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosCustomerReadModel
{
    private const int ParallelWrites = 8;

    /// <summary>How many records one step may order under its time (seq = step time in ms × this + position).</summary>
    private const long SeqPerStep = 1000;

    /// <summary>
    /// Writes one step: the customer item first (it tells whether this is the newest step, an older one replayed late,
    /// or an erased customer), then in parallel the step's history item, points lines, coupons, messages and journey
    /// facts (creates with deterministic ids: 409 = a replay already wrote it), the referral link and the step index
    /// entries of the instances that moved (for the newest step only). Sequence numbers come from the step time, so a
    /// replay writes the same items.
    /// </summary>
    public async Task WriteStepAsync(CustomerStep step, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var customerId = step.Document.CustomerId;
        var at = step.At.ToUnixTimeMilliseconds();
        var records = StepRecords.From(step);
        var written = await WriteCustomerAsync(step, at, cancellationToken).ConfigureAwait(false);
        if (written == CustomerWrite.Erased)
        {
            LogErasedStepDropped(customerId);
            return;
        }

        var seq = at * SeqPerStep;
        var writes = new List<Func<CancellationToken, Task>>();
        AddHistoryWrite(writes, customerId, seq, records.History); // CosmosCustomerReadModel.History.cs
        var position = records.History.Count;
        foreach (var points in records.Points) AddPoints(writes, points, seq + position++);
        foreach (var c in records.Coupons)
        {
            var coupon = new CouponItem(CosmosKeys.Id(CosmosKeys.Coupon, c.EffectId), c.CustomerId, seq + position++, c.Code, c.EffectId, c.InstanceId, c.Coupon,
                c.Amount.ToString(CultureInfo.InvariantCulture), c.ExpiresAt is { } x ? CosmosTime.Text(x) : null, CosmosTime.Text(c.IssuedAt));
            writes.Add(ct => CreateAsync(_history, "coupon.create", coupon, Key(coupon.CustomerId), ct));
        }

        foreach (var message in step.Messages)
        {
            var messageSeq = seq + position++;
            writes.Add(ct => RecordAsync(message, messageSeq, ct));
        }

        AddFactWrites(writes, records.Facts); // CosmosCustomerReadModel.Insights.cs
        var known = _written.TryGet(customerId, out var w) ? w : null;
        ImmutableDictionary<string, IndexedStep>? indexed = null;
        if (written == CustomerWrite.Newest)
        {
            AddReferralWrite(writes, step.Document, known);
            indexed = AddStepIndexWrites(writes, step.Document, records, at, known?.Steps); // CosmosCustomerReadModel.Steps.cs
        }

        try
        {
            await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = ParallelWrites, CancellationToken = cancellationToken },
                async (write, ct) => await write(ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch
        {
            _written.Forget(customerId); // what the index and the link hold is unknown now: the next step writes them again
            throw;
        }

        if (written == CustomerWrite.Newest)
        {
            var link = step.Document.State.Profile.ReferredBy is { } r ? new ReferralLink(r.ReferrerId, r.AcceptedAt.ToUnixTimeMilliseconds()) : null;
            _written.Remember(customerId, new WrittenCustomer(link, indexed));
        }

        foreach (var instance in step.Document.State.Instances) _owners.Remember(OwnerKey.Instance(instance.InstanceId), customerId);
    }

    /// <summary>
    /// Creates the message record, or else sets the delivery fields unless it is already delivered: the patch's filter
    /// checks that on the server, so no read comes first. The fields are set, not added up: a replayed step carries
    /// the same record and changes nothing.
    /// </summary>
    private async Task RecordAsync(MessageRecord m, long seq, CancellationToken cancellationToken)
    {
        var item = new MessageItem(CosmosKeys.Id(CosmosKeys.Message, m.EffectId), m.CustomerId, seq, m.EffectId, m.InstanceId, m.Journey, m.Step, m.Channel, m.Category,
            m.Template, m.Locale, m.Subject, m.Body, m.Address, m.Via, Name(m.Status), m.Attempts, m.Detail, CosmosTime.Text(m.At));
        _owners.Remember(OwnerKey.Effect(m.EffectId), m.CustomerId);
        var (status, _) = await CreateAsync(_history, "message.create", item, Key(m.CustomerId), cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.Conflict) return;
        PatchOperation[] update =
        [
            PatchOperation.Set("/via", m.Via),
            PatchOperation.Set("/status", item.Status),
            PatchOperation.Set("/attempts", m.Attempts),
            PatchOperation.Set("/detail", m.Detail),
            PatchOperation.Set("/at", item.At),
        ];
        await PatchAsync(_history, "message.patch", item.Id, Key(m.CustomerId), update, cancellationToken, filter: $"FROM c WHERE c.status != '{Name(DeliveryStatus.Delivered)}'").ConfigureAwait(false);
    }

    private void AddPoints(List<Func<CancellationToken, Task>> writes, PointsEntry e, long seq)
    {
        var item = new PointsItem(CosmosKeys.Id(CosmosKeys.Points, e.EntryId), e.CustomerId, seq, e.EntryId, e.InstanceId, e.Points, e.Rule, e.Reason, Name(e.Status),
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A step of erased customer {CustomerId} was dropped (the customer is not recreated)")]
    private partial void LogErasedStepDropped(string customerId);
}
