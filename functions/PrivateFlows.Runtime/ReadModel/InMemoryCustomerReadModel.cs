using System.Security.Cryptography;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.ReadModel;

/// <summary>
/// The read model in process memory, for tests and the Durable test host: the same rules as the Cosmos DB one
/// (idempotent by record id, an older step never replaces a newer document, a delivered message is never
/// downgraded, erasure keeps the journey facts anonymised and drops later steps of the customer). Thread-safe;
/// nothing survives the process.
/// </summary>
public sealed class InMemoryCustomerReadModel : ICustomerReadModel, ICustomerReadModelReader
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (CustomerDocument Document, DateTimeOffset At)> _customers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Seq, string CustomerId, HistoryEntry Entry)> _history = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Seq, PointsEntry Entry)> _points = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CouponRecord> _coupons = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Seq, MessageRecord Message)> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JourneyFact> _facts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string CustomerId, IndexedStep Step)> _steps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AcceptedReferralLink> _referrals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _erased = new(StringComparer.Ordinal);
    private long _seq;

    private sealed record AcceptedReferralLink(string ReferrerId, DateTimeOffset AcceptedAt);

    public Task WriteStepAsync(CustomerStep step, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        var customerId = step.Document.CustomerId;
        var records = StepRecords.From(step);
        lock (_gate)
        {
            if (_erased.Contains(Tombstones.Hash(customerId))) return Task.CompletedTask;

            // The document and the step index follow the newest step only: a replay of an older one changes neither.
            if (!_customers.TryGetValue(customerId, out var stored) || stored.At <= step.At)
            {
                _customers[customerId] = (StepRecords.Shown(step.Document), step.At);
                var inFlight = IndexedStep.InFlight(step.Document);
                foreach (var gone in _steps.Where(s => s.Value.CustomerId == customerId && !inFlight.ContainsKey(s.Key)).Select(s => s.Key).ToList()) _steps.Remove(gone);
                foreach (var (instanceId, indexed) in inFlight) _steps[instanceId] = (customerId, indexed);
                if (step.Document.State.Profile.ReferredBy is { } referredBy) _referrals[customerId] = new AcceptedReferralLink(referredBy.ReferrerId, referredBy.AcceptedAt);
            }

            foreach (var entry in records.History) _history.TryAdd(entry.EntryId, (++_seq, customerId, entry));
            foreach (var points in records.Points) _points.TryAdd(points.EntryId, (++_seq, points));
            foreach (var coupon in records.Coupons) _coupons.TryAdd(coupon.EffectId, coupon);
            foreach (var fact in records.Facts) _facts.TryAdd(fact.FactId, fact);
            foreach (var message in step.Messages)
            {
                if (!_messages.TryGetValue(message.EffectId, out var known)) _messages[message.EffectId] = (++_seq, message);
                else if (known.Message.Status != DeliveryStatus.Delivered) _messages[message.EffectId] = (known.Seq, message);
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        lock (_gate)
        {
            _erased.Add(Tombstones.Hash(customerId));
            var instances = _history.Values.Where(h => h.CustomerId == customerId).Select(h => h.Entry.InstanceId).ToHashSet(StringComparer.Ordinal);
            if (_customers.TryGetValue(customerId, out var stored)) instances.UnionWith(stored.Document.State.Instances.Select(i => i.InstanceId));
            var removed = _customers.Remove(customerId);
            removed |= RemoveWhere(_history, h => h.CustomerId == customerId);
            removed |= RemoveWhere(_points, p => p.Entry.CustomerId == customerId);
            removed |= RemoveWhere(_coupons, c => c.CustomerId == customerId);
            removed |= RemoveWhere(_messages, m => m.Message.CustomerId == customerId);
            RemoveWhere(_steps, s => s.CustomerId == customerId);
            _referrals.Remove(customerId);
            foreach (var referee in _referrals.Where(r => r.Value.ReferrerId == customerId).Select(r => r.Key).ToList()) _referrals.Remove(referee);

            // Facts stay, re-keyed to random ids: the counts still add up, nothing leads back to the customer.
            foreach (var instanceId in instances)
            {
                var facts = _facts.Where(f => f.Value.InstanceId == instanceId).ToList();
                if (facts.Count == 0) continue;
                var anonymous = $"erased-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
                foreach (var (id, fact) in facts)
                {
                    _facts.Remove(id);
                    var copy = fact with { FactId = $"erased/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}", InstanceId = anonymous };
                    _facts[copy.FactId] = copy;
                }
            }

            return Task.FromResult(removed);
        }
    }

    public Task<CustomerDocument?> ReadCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_customers.TryGetValue(customerId, out var stored) ? stored.Document : null);
    }

    public Task<HistoryPage> ReadInstanceHistoryAsync(string instanceId, long after, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(Page(_history.Values.Where(h => h.Entry.InstanceId == instanceId), after, limit));
    }

    public Task<HistoryPage> ReadCustomerHistoryAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(Page(_history.Values.Where(h => h.CustomerId == customerId), after, limit));
    }

    public Task<string?> FindInstanceCustomerAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_history.Values.Where(h => h.Entry.InstanceId == instanceId).Select(h => h.CustomerId).FirstOrDefault());
    }

    public Task<IReadOnlyList<MessageRecord>> ReadMessagesAsync(string customerId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<MessageRecord>>(
                [.. _messages.Values.Where(m => m.Message.CustomerId == customerId).OrderBy(m => m.Seq).Take(Math.Max(1, limit)).Select(m => m.Message)]);
        }
    }

    public Task<MessageRecord?> ReadMessageAsync(string effectId, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_messages.TryGetValue(effectId, out var m) ? m.Message : null);
    }

    public Task<IReadOnlyList<PointsEntry>> ReadPointsAsync(string customerId, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<PointsEntry>>([.. _points.Values.Where(p => p.Entry.CustomerId == customerId).OrderBy(p => p.Seq).Select(p => p.Entry)]);
    }

    public Task<IReadOnlyList<CouponRecord>> ReadCouponsAsync(string customerId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<CouponRecord>>(
                [.. _coupons.Values.Where(c => c.CustomerId == customerId).OrderBy(c => c.IssuedAt).ThenBy(c => c.Code, StringComparer.Ordinal)]);
        }
    }

    public Task<IReadOnlyList<AcceptedReferral>> ReadReferralsAsync(string referrerId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AcceptedReferral>>(
                [.. _referrals.Where(r => r.Value.ReferrerId == referrerId && r.Value.AcceptedAt >= since).Select(r => new AcceptedReferral(r.Key, r.Value.AcceptedAt)).OrderBy(r => r.AcceptedAt)]);
        }
    }

    public Task<IReadOnlyList<CustomerProfile>> ReadProfilesAsync(string? afterCustomerId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<CustomerProfile>>(
                [.. _customers.Where(c => string.CompareOrdinal(c.Key, afterCustomerId ?? "") > 0).OrderBy(c => c.Key, StringComparer.Ordinal)
                    .Take(Math.Max(1, limit)).Select(c => c.Value.Document.State.Profile)]);
        }
    }

    public Task<IReadOnlyList<JourneyFact>> ReadJourneyFactsAsync(string journey, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<JourneyFact>>([.. _facts.Values.Where(f => f.Journey == journey)]);
    }

    public Task<IReadOnlyList<InstanceStepCount>> CountInstancesByStepAsync(string journey, string? version = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<InstanceStepCount>>([.. _steps.Values.Select(s => s.Step)
                .Where(s => s.Journey == journey && (version is null || s.Version == version))
                .GroupBy(s => (s.Version, s.Step))
                .OrderBy(g => g.Key.Version, StringComparer.Ordinal).ThenBy(g => g.Key.Step, StringComparer.Ordinal)
                .Select(g => new InstanceStepCount(journey, g.Key.Version, g.Key.Step.Length == 0 ? null : g.Key.Step, g.LongCount(s => !s.Faulted), g.LongCount(s => s.Faulted)))]);
        }
    }

    public Task<bool> IsErasedAsync(string customerId, CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(_erased.Contains(Tombstones.Hash(customerId)));
    }

    private static HistoryPage Page(IEnumerable<(long Seq, string CustomerId, HistoryEntry Entry)> rows, long after, int limit)
    {
        var page = rows.Where(h => h.Seq > after).OrderBy(h => h.Seq).Take(Math.Max(1, limit) + 1).ToList();
        var more = page.Count > Math.Max(1, limit);
        if (more) page.RemoveAt(page.Count - 1);
        return new HistoryPage([.. page.Select(h => h.Entry)], more ? page[^1].Seq : null);
    }

    private static bool RemoveWhere<T>(Dictionary<string, T> map, Func<T, bool> predicate)
    {
        var keys = map.Where(kv => predicate(kv.Value)).Select(kv => kv.Key).ToList();
        foreach (var key in keys) map.Remove(key);
        return keys.Count > 0;
    }
}
