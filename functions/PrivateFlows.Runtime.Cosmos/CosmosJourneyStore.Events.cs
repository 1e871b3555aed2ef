using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosJourneyStore
{
    /// <summary>
    /// Each event is created in its customer's <c>history</c> partition with id <c>event:&lt;event id&gt;</c>: a 409 is a
    /// duplicate. Cosmos DB ids are unique per partition, so an event id is deduplicated per customer (the subject);
    /// CloudEvents ids are unique per source, so this only differs from the embedded store for a producer that reuses
    /// one id for two customers.
    /// </summary>
    public async Task<IReadOnlyList<string>> AcceptEventsAsync(IReadOnlyList<CustomerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var received = CosmosTime.Text(receivedAt);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<EventItem>(events.Count);
        foreach (var e in events)
        {
            if (!seen.Add(e.Id)) continue;
            items.Add(new EventItem(CosmosKeys.Id(CosmosKeys.Event, e.Id), e.Subject, e.Id, NextSeq(receivedAt), e.Type, CosmosTime.Text(e.Time), received,
                EventStatusText.Pending, CloudEventReader.Write(e).ToJsonString()));
        }

        var fresh = new bool[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var item = items[i];
            var (status, _) = await CreateAsync(_history, "event.create", item, Key(item.CustomerId), token).ConfigureAwait(false);
            fresh[i] = status != HttpStatusCode.Conflict;
            _owners.Remember(OwnerKey.Event(item.EventId), item.CustomerId);
        }).ConfigureAwait(false);
        return [.. items.Where((_, i) => fresh[i]).Select(item => item.EventId)];
    }

    public async Task<IReadOnlyList<CustomerEvent>> ReadPendingEventsAsync(CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT c.customerId, c.eventId, c.seq, c.body FROM c WHERE c.type = @type AND c.status = @status")
            .WithParameter("@type", CosmosKeys.Event).WithParameter("@status", EventStatusText.Pending);
        var rows = await QueryAcrossPartitionsAsync(_history, "event.query-pending", query, cancellationToken).ConfigureAwait(false);
        var pending = new List<(long Seq, CustomerEvent Event)>(rows.Count);
        foreach (var row in rows)
        {
            _owners.Remember(OwnerKey.Event(row.GetProperty("eventId").GetString()!), row.GetProperty("customerId").GetString()!);
            pending.Add((row.GetProperty("seq").GetInt64(), ParseEvent(row.GetProperty("body").GetString()!)));
        }

        return [.. pending.OrderBy(p => p.Seq).Select(p => p.Event)];
    }

    public async Task<IReadOnlyList<TimelineEvent>> ReadEventsAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition(
                "SELECT TOP @limit c.seq, c.body, c.receivedAt, c.status FROM c WHERE c.customerId = @pk AND c.type = @type AND c.seq > @after ORDER BY c.seq")
            .WithParameter("@limit", Math.Max(1, limit)).WithParameter("@pk", customerId).WithParameter("@type", CosmosKeys.Event).WithParameter("@after", after);
        var rows = await QueryAsync(_history, "event.query-timeline", query, Key(customerId), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new TimelineEvent(
            r.GetProperty("seq").GetInt64(),
            ParseEvent(r.GetProperty("body").GetString()!),
            CosmosTime.Parse(r.GetProperty("receivedAt").GetString()!),
            ParseStatus(r.GetProperty("status").GetString())))];
    }

    public async Task<EventStatus?> ReadEventStatusAsync(string eventId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (await EventOwnerAsync(eventId, cancellationToken).ConfigureAwait(false) is not { } customerId) return null;
        var (_, item, _) = await ReadAsync<EventItem>(_history, "event.read", CosmosKeys.Id(CosmosKeys.Event, eventId), Key(customerId), cancellationToken).ConfigureAwait(false);
        return item is null ? null : ParseStatus(item.Status);
    }

    /// <summary>Sets an event's status without reading it first (a patch); an event not in the inbox is ignored.</summary>
    private Task<HttpStatusCode> SetEventStatusAsync(string customerId, string eventId, string status, CancellationToken cancellationToken) =>
        PatchAsync(_history, "event.patch", CosmosKeys.Id(CosmosKeys.Event, eventId), Key(customerId), [PatchOperation.Set("/status", status)], cancellationToken);

    /// <summary>The customer an event belongs to: known from accepting or recovering it, else looked up across partitions.</summary>
    private async Task<string?> EventOwnerAsync(string eventId, CancellationToken cancellationToken)
    {
        if (_owners.TryGet(OwnerKey.Event(eventId), out var known)) return known;
        LogLookup("event", eventId);
        var query = new QueryDefinition("SELECT VALUE c.customerId FROM c WHERE c.type = @type AND c.eventId = @id")
            .WithParameter("@type", CosmosKeys.Event).WithParameter("@id", eventId);
        var rows = await QueryAcrossPartitionsAsync(_history, "event.lookup", query, cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0) return null;
        var customerId = rows[0].GetString()!;
        _owners.Remember(OwnerKey.Event(eventId), customerId);
        return customerId;
    }

    private static CustomerEvent ParseEvent(string body) =>
        CloudEventReader.Read(body).Event ?? throw new JsonException("a stored event no longer parses");

    private static EventStatus ParseStatus(string? status) => status switch
    {
        EventStatusText.Pending => EventStatus.Pending,
        EventStatusText.Done => EventStatus.Done,
        _ => EventStatus.Poison,
    };
}
