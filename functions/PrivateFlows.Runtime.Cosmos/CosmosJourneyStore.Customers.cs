using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosJourneyStore
{
    /// <summary>The store's own fields of a customer item (kept beside the runtime's document).</summary>
    internal sealed record CustomerSide(long HistorySeq, ImmutableList<TimerEntry> Timers, ReferralLink? Referral)
    {
        public static readonly CustomerSide Empty = new(0, [], null);
    }

    /// <summary>
    /// What this instance last saw of a customer item: its version, ETag and store-side fields, and what the step index
    /// holds for its in-flight instances when this instance wrote that (null: unknown, the next write resyncs).
    /// </summary>
    internal sealed record CachedCustomer(long Version, string ETag, CustomerSide Side, ImmutableDictionary<string, IndexedStep>? Steps = null);

    public async Task<CustomerDocument?> ReadCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var (_, item, etag) = await ReadAsync<CustomerItem>(_customers, "customer.read", CosmosKeys.CustomerId(customerId), Key(customerId), cancellationToken).ConfigureAwait(false);
        if (item is null)
        {
            _customerItems.Forget(customerId);
            return null;
        }

        Remember(item, etag);
        var document = ToDocument(item);
        RememberOwners(document);
        return document;
    }

    public async Task<CustomerDocument> CommitStepAsync(StepCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var document = commit.Document;
        var customerId = document.CustomerId;
        var expected = commit.ExpectedVersion;
        var current = expected == 0 ? null : await CurrentAsync(customerId, expected, cancellationToken).ConfigureAwait(false);
        var side = current?.Side ?? CustomerSide.Empty;

        // The fired timer leaves the customer's index with this commit; its item is deleted right after.
        var fired = commit.FiredTimerId is { } firedId ? side.Timers.Find(t => t.TimerId == firedId) : null;
        if (fired is not null) side = side with { Timers = side.Timers.Remove(fired) };

        // The referral link is written before the commit, so the referrer's list is never behind a committed referee.
        var previousReferral = side.Referral;
        if (document.State.Profile.ReferredBy is { } referredBy)
        {
            var link = new ReferralLink(referredBy.ReferrerId, referredBy.AcceptedAt.ToUnixTimeMilliseconds());
            if (link != previousReferral)
            {
                var referral = new ReferralItem(CosmosKeys.Id(CosmosKeys.Referral, customerId), referredBy.ReferrerId, customerId, link.At);
                await UpsertAsync(_customers, "referral.upsert", referral, Key(referredBy.ReferrerId), cancellationToken).ConfigureAwait(false);
                side = side with { Referral = link };
            }
        }

        var stored = await WriteCustomerAsync(document, expected, current?.ETag, side, cancellationToken).ConfigureAwait(false);
        if (previousReferral is { } old && old.ReferrerId != side.Referral?.ReferrerId)
        {
            await DeleteAsync(_customers, "referral.delete", CosmosKeys.Id(CosmosKeys.Referral, customerId), Key(old.ReferrerId), cancellationToken).ConfigureAwait(false);
        }

        if (commit.EventId is { } eventId) await SetEventStatusAsync(customerId, eventId, EventStatusText.Done, cancellationToken).ConfigureAwait(false);
        if (commit.FiredTimerId is { } timerId) await DeleteTimerAsync(timerId, fired?.Bucket, cancellationToken).ConfigureAwait(false);
        return stored;
    }

    public async Task MarkConsumedAsync(string? eventId, string? timerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (eventId is not null && await EventOwnerAsync(eventId, cancellationToken).ConfigureAwait(false) is { } customerId)
        {
            // Only a pending event becomes done (a poisoned one stays poison): read, then patch against its ETag.
            var id = CosmosKeys.Id(CosmosKeys.Event, eventId);
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var (_, item, etag) = await ReadAsync<EventItem>(_history, "event.read", id, Key(customerId), cancellationToken).ConfigureAwait(false);
                if (item is null || item.Status != EventStatusText.Pending) break;
                var status = await PatchAsync(_history, "event.patch", id, Key(customerId), [PatchOperation.Set("/status", EventStatusText.Done)], cancellationToken, ifMatch: etag).ConfigureAwait(false);
                if (status != HttpStatusCode.PreconditionFailed) break;
            }
        }

        if (timerId is not null) await DeleteTimerAsync(timerId, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ReadCustomersWithPendingEffectsAsync(CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT VALUE c.customerId FROM c WHERE c.type = @type AND c.pending > 0").WithParameter("@type", CosmosKeys.Customer);
        var rows = await QueryAcrossPartitionsAsync(_customers, "customer.query-pending", query, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => r.GetString()!).Order(StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<AcceptedReferral>> ReadReferralsAsync(string referrerId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT c.refereeId, c.acceptedAt FROM c WHERE c.customerId = @pk AND c.type = @type AND c.acceptedAt >= @since")
            .WithParameter("@pk", referrerId).WithParameter("@type", CosmosKeys.Referral).WithParameter("@since", since.ToUnixTimeMilliseconds());
        var rows = await QueryAsync(_customers, "referral.query", query, Key(referrerId), cancellationToken).ConfigureAwait(false);
        return [.. rows
            .Select(r => new AcceptedReferral(r.GetProperty("refereeId").GetString()!, DateTimeOffset.FromUnixTimeMilliseconds(r.GetProperty("acceptedAt").GetInt64())))
            .OrderBy(r => r.AcceptedAt)];
    }

    /// <summary>Inserts (expected version 0) or replaces the customer item if its ETag still matches; a mismatch is a conflict.</summary>
    private async Task<CustomerDocument> WriteCustomerAsync(CustomerDocument document, long expected, string? etag, CustomerSide side, CancellationToken cancellationToken)
    {
        var customerId = document.CustomerId;
        if (expected == 0 && await IsErasedAsync(customerId, cancellationToken).ConfigureAwait(false)) throw ConcurrencyConflictException.For(customerId, expected); // erased: never recreated
        var next = expected + 1;
        var item = new CustomerItem(CosmosKeys.CustomerId(customerId), customerId, next, document.PendingEffects.Length, side.HistorySeq, side.Timers, side.Referral,
            CosmosTime.Text(Now), JsonSerializer.SerializeToElement(document, RuntimeJson.Options));
        // What the step index holds for the version being replaced, when this instance knows (CosmosJourneyStore.Steps.cs).
        var indexed = expected == 0 ? ImmutableDictionary<string, IndexedStep>.Empty
            : _customerItems.TryGet(customerId, out var known) && known.Version == expected ? known.Steps : null;
        var (status, newEtag) = expected == 0
            ? await CreateAsync(_customers, "customer.create", item, Key(customerId), cancellationToken).ConfigureAwait(false)
            : await ReplaceAsync(_customers, "customer.replace", item.Id, item, Key(customerId), etag, cancellationToken).ConfigureAwait(false);
        if (status is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound || newEtag is null)
        {
            _customerItems.Forget(customerId);
            throw ConcurrencyConflictException.For(customerId, expected);
        }

        _customerItems.Remember(customerId, new CachedCustomer(next, newEtag, side));
        RememberOwners(document);
        var steps = await IndexStepsAsync(document, next, indexed, cancellationToken).ConfigureAwait(false);
        if (steps is not null && _customerItems.TryGet(customerId, out var written) && written.Version == next) _customerItems.Remember(customerId, written with { Steps = steps });
        return document with { Version = next };
    }

    /// <summary>The customer item at <paramref name="expected"/> (from what this instance saw last, else read); any other version is a conflict.</summary>
    private async Task<CachedCustomer> CurrentAsync(string customerId, long expected, CancellationToken cancellationToken)
    {
        if (_customerItems.TryGet(customerId, out var cached) && cached.Version == expected) return cached;
        var (_, item, etag) = await ReadAsync<CustomerItem>(_customers, "customer.read", CosmosKeys.CustomerId(customerId), Key(customerId), cancellationToken).ConfigureAwait(false);
        if (item is null) throw ConcurrencyConflictException.For(customerId, expected);
        var current = Remember(item, etag);
        return current.Version == expected ? current : throw ConcurrencyConflictException.For(customerId, expected);
    }

    private CachedCustomer Remember(CustomerItem item, string? etag)
    {
        // A read of the version this instance wrote keeps what it knows of the step index.
        var steps = _customerItems.TryGet(item.CustomerId, out var known) && known.Version == item.V ? known.Steps : null;
        var cached = new CachedCustomer(item.V, etag ?? "", new CustomerSide(item.HistorySeq, [.. item.Timers ?? []], item.Referral), steps);
        _customerItems.Remember(item.CustomerId, cached);
        foreach (var timer in cached.Side.Timers) _timerBuckets.Remember(timer.TimerId, (item.CustomerId, timer.Bucket));
        return cached;
    }

    /// <summary>Remembers whose the document's instances and outbox effects are, for the calls that pass those ids alone.</summary>
    private void RememberOwners(CustomerDocument document)
    {
        var customerId = document.CustomerId;
        foreach (var effect in document.PendingEffects)
        {
            if (effect is SendMessage) _owners.Remember(OwnerKey.Effect(effect.EffectId), customerId);
        }

        foreach (var instance in document.State.Instances) _owners.Remember(OwnerKey.Instance(instance.InstanceId), customerId);
    }

    private static CustomerDocument ToDocument(CustomerItem item) =>
        item.Doc.Deserialize<CustomerDocument>(RuntimeJson.Options)! with { Version = item.V };

    /// <summary>Keys of <see cref="_owners"/>: one map for several kinds of id.</summary>
    private static class OwnerKey
    {
        public static string Event(string id) => "e\u001f" + id;

        public static string Effect(string id) => "m\u001f" + id;

        public static string Instance(string id) => "i\u001f" + id;
    }
}

internal static class EventStatusText
{
    public const string Pending = "pending";
    public const string Done = "done";
    public const string Poison = "poison";
}

internal static class CosmosTime
{
    public static string Text(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static DateTimeOffset? ParseOrNull(string? text) => text is null ? null : Parse(text);
}
