using System.Net;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// The timer index: one item per timer in the partition of its due-time bucket (<see cref="CosmosOptions.TimerBucketMinutes"/>),
/// and a directory partition with one marker per bucket that may hold timers. The poller reads the directory in
/// bucket order and then only the non-empty buckets, earliest first — a few single-partition queries however far
/// apart the timers are. The lowest marker is the persisted low-water mark: a bucket's marker is deleted when the
/// bucket is found empty and lies wholly in the past (more than <see cref="MarkerGrace"/> ago), with its ETag, and
/// a timer scheduled into such a past bucket re-writes the marker after its item, so a marker is never deleted
/// under a new timer.
/// </summary>
public sealed partial class CosmosJourneyStore
{
    /// <summary>How long after its end an empty bucket keeps its marker (must exceed clock skew between hosts).</summary>
    internal static readonly TimeSpan MarkerGrace = TimeSpan.FromMinutes(10);

    private const int DirectoryPage = 50;

    public async Task<IReadOnlyList<DueTimer>> ReadEarliestTimersAsync(int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<DueTimer>();
        if (limit <= 0) return found;
        var now = Now;
        var after = "";
        while (found.Count < limit)
        {
            var markersQuery = new QueryDefinition("SELECT TOP @n c.b, c._etag FROM c WHERE c.bucket = @pk AND c.type = @type AND c.b > @after ORDER BY c.b")
                .WithParameter("@n", DirectoryPage).WithParameter("@pk", CosmosKeys.Directory).WithParameter("@type", CosmosKeys.BucketMarker).WithParameter("@after", after);
            var markers = await QueryAsync(_timers, "bucket.query", markersQuery, Key(CosmosKeys.Directory), cancellationToken).ConfigureAwait(false);
            foreach (var marker in markers)
            {
                var bucket = marker.GetProperty("b").GetString()!;
                after = bucket;
                // One more than wanted: TOP may cut between timers due at the same instant, and then all of those are read (the id decides).
                var wanted = limit - found.Count;
                var timersQuery = new QueryDefinition("SELECT TOP @n c.timerId, c.customerId, c.instanceId, c.due FROM c WHERE c.bucket = @pk AND c.type = @type ORDER BY c.due")
                    .WithParameter("@n", wanted + 1).WithParameter("@pk", bucket).WithParameter("@type", CosmosKeys.Timer);
                var rows = await QueryAsync(_timers, "timer.query-bucket", timersQuery, Key(bucket), cancellationToken).ConfigureAwait(false);
                if (rows.Count > wanted)
                {
                    var lastDue = rows[wanted - 1].GetProperty("due").GetInt64();
                    if (rows[wanted].GetProperty("due").GetInt64() == lastDue)
                    {
                        var tiesQuery = new QueryDefinition("SELECT c.timerId, c.customerId, c.instanceId, c.due FROM c WHERE c.bucket = @pk AND c.type = @type AND c.due = @due")
                            .WithParameter("@pk", bucket).WithParameter("@type", CosmosKeys.Timer).WithParameter("@due", lastDue);
                        var ties = await QueryAsync(_timers, "timer.query-ties", tiesQuery, Key(bucket), cancellationToken).ConfigureAwait(false);
                        rows = [.. rows.Where(r => r.GetProperty("due").GetInt64() < lastDue), .. ties];
                    }
                    else
                    {
                        rows.RemoveAt(rows.Count - 1);
                    }
                }

                if (rows.Count == 0)
                {
                    if (CosmosKeys.BucketEnd(bucket, _options.TimerBucketMinutes) < now - MarkerGrace)
                    {
                        await DeleteAsync(_timers, "bucket.delete", bucket, Key(CosmosKeys.Directory), cancellationToken, ifMatch: marker.GetProperty("_etag").GetString()).ConfigureAwait(false);
                        _markedBuckets.Forget(bucket);
                    }

                    continue;
                }

                foreach (var row in rows)
                {
                    var timer = new DueTimer(row.GetProperty("timerId").GetString()!, row.GetProperty("customerId").GetString()!, row.GetProperty("instanceId").GetString()!,
                        DateTimeOffset.FromUnixTimeMilliseconds(row.GetProperty("due").GetInt64()));
                    _timerBuckets.Remember(timer.TimerId, (timer.CustomerId, bucket));
                    found.Add(timer);
                }

                if (found.Count >= limit) break;
            }

            if (markers.Count < DirectoryPage) break;
        }

        return [.. found.OrderBy(t => t.DueAt).ThenBy(t => t.TimerId, StringComparer.Ordinal).Take(limit)];
    }

    public async Task<IReadOnlyList<DueTimer>> ReadTimersAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var (_, item, etag) = await ReadAsync<CustomerItem>(_customers, "customer.read", CosmosKeys.CustomerId(customerId), Key(customerId), cancellationToken).ConfigureAwait(false);
        if (item is null) return [];
        Remember(item, etag);
        return [.. (item.Timers ?? [])
            .Select(t => new DueTimer(t.TimerId, customerId, t.InstanceId, DateTimeOffset.FromUnixTimeMilliseconds(t.Due)))
            .OrderBy(t => t.DueAt).ThenBy(t => t.TimerId, StringComparer.Ordinal)];
    }

    /// <summary>Creates the timer's item (409: a replay) and makes sure its bucket is in the directory.</summary>
    private async Task ScheduleTimerAsync(string customerId, TimerEntry timer, CancellationToken cancellationToken)
    {
        var item = new TimerItem(CosmosKeys.Id(CosmosKeys.Timer, timer.TimerId), timer.Bucket, timer.TimerId, customerId, timer.InstanceId, timer.Due);
        await CreateAsync(_timers, "timer.create", item, Key(timer.Bucket), cancellationToken).ConfigureAwait(false);
        _timerBuckets.Remember(timer.TimerId, (customerId, timer.Bucket));

        var marker = new BucketMarker(timer.Bucket, CosmosKeys.Directory, timer.Bucket);
        var past = CosmosKeys.BucketEnd(timer.Bucket, _options.TimerBucketMinutes) < Now - MarkerGrace / 2;
        if (past)
        {
            // The poller may be deleting this bucket's marker right now: writing it after the timer changes its ETag.
            await UpsertAsync(_timers, "bucket.upsert", marker, Key(CosmosKeys.Directory), cancellationToken).ConfigureAwait(false);
        }
        else if (!_markedBuckets.TryGet(timer.Bucket, out _))
        {
            await CreateAsync(_timers, "bucket.create", marker, Key(CosmosKeys.Directory), cancellationToken).ConfigureAwait(false);
            _markedBuckets.Remember(timer.Bucket, true);
        }
    }

    /// <summary>
    /// Deletes a timer's item from its bucket (404: already gone). The bucket comes from the customer item or from
    /// what this instance read; an unknown timer is looked up across partitions only when <paramref name="lookUp"/>.
    /// </summary>
    private async Task DeleteTimerAsync(string timerId, string? bucket, CancellationToken cancellationToken, bool lookUp = true)
    {
        var id = CosmosKeys.Id(CosmosKeys.Timer, timerId);
        if (bucket is null && _timerBuckets.TryGet(timerId, out var known)) bucket = known.Bucket;
        if (bucket is not null)
        {
            await DeleteAsync(_timers, "timer.delete", id, Key(bucket), cancellationToken).ConfigureAwait(false);
        }
        else if (lookUp)
        {
            LogLookup("timer", timerId);
            var query = new QueryDefinition("SELECT VALUE c.bucket FROM c WHERE c.type = @type AND c.id = @id").WithParameter("@type", CosmosKeys.Timer).WithParameter("@id", id);
            foreach (var row in await QueryAcrossPartitionsAsync(_timers, "timer.lookup", query, cancellationToken).ConfigureAwait(false))
            {
                await DeleteAsync(_timers, "timer.delete", id, Key(row.GetString()!), cancellationToken).ConfigureAwait(false);
            }
        }

        _timerBuckets.Forget(timerId);
    }

    /// <summary>Takes a timer out of its customer's index (the customer item), retrying on ETag conflicts; used when a timer is parked.</summary>
    private async Task RemoveTimerEntryAsync(string customerId, string timerId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (_, item, etag) = await ReadAsync<CustomerItem>(_customers, "customer.read", CosmosKeys.CustomerId(customerId), Key(customerId), cancellationToken).ConfigureAwait(false);
            if (item is null || !(item.Timers ?? []).Any(t => t.TimerId == timerId)) return;
            var cached = Remember(item, etag);
            var side = cached.Side with { Timers = Without(cached.Side.Timers, timerId) };
            try
            {
                await WriteCustomerAsync(ToDocument(item), item.V, etag, side, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ConcurrencyConflictException)
            {
                // moved on meanwhile: read again
            }
        }
    }
}
