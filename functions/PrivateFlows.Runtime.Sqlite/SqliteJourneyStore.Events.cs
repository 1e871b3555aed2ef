using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    private const string InsertEvent = """
        INSERT INTO events (id, customer_id, type, time, received_at, status, body)
        VALUES ($id, $customer, $type, $time, $received, 'accepted', $body)
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>
    /// Consumes an accepted event: it leaves <c>inbox_pending</c> (SqliteSchema.Inbox); its row in <c>events</c> is not
    /// rewritten.
    /// </summary>
    private const string ConsumeEvent = "DELETE FROM inbox_pending WHERE seq = (SELECT seq FROM events WHERE id = $id)";

    /// <summary>
    /// After <see cref="ConsumeEvent"/> found nothing pending: a parked event that a poison retry processed reads done
    /// again (as its row said before).
    /// </summary>
    private const string ConsumeParkedEvent = "UPDATE events SET status = 'done' WHERE id = $id AND status = 'poison'";

    /// <summary>
    /// The seqs of customer <c>$customer</c>'s events after <c>$after</c>: the indexed ones (<c>event_timeline</c>) and
    /// those after the index's mark, by their seq range (SqliteSchema.Timeline).
    /// </summary>
    internal const string SeqsOfCustomer = """
        SELECT seq FROM event_timeline WHERE customer_id = $customer AND seq > $after
        UNION ALL
        SELECT seq FROM events WHERE seq > MAX($after, COALESCE((SELECT upto FROM event_timeline_mark), 0)) AND customer_id = $customer
        """;

    /// <summary>A page of customer <c>$customer</c>'s timeline: up to <c>$limit</c> events after <c>$after</c>, by seq.</summary>
    internal const string EventsOfCustomer = $"SELECT {EventColumns}, seq, received_at, {StatusOfEvent} FROM events e WHERE seq IN ({SeqsOfCustomer}) AND seq > $after ORDER BY seq LIMIT $limit";

    /// <summary>An inbox row's status as the timeline shows it, for a query over <c>events e</c>.</summary>
    private const string StatusOfEvent = "CASE WHEN e.status = 'poison' THEN 'poison' WHEN EXISTS (SELECT 1 FROM inbox_pending p WHERE p.seq = e.seq) THEN 'pending' ELSE 'done' END";

    public Task<IReadOnlyList<string>> AcceptEventsAsync(IReadOnlyList<CustomerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        var received = Ticks(receivedAt);
        var rows = events.Select(e => (e, body: EventBody(e))).ToList();
        return _writer.WriteAsync<IReadOnlyList<string>>(scope =>
        {
            var fresh = new List<string>(rows.Count);
            foreach (var (e, body) in rows)
            {
                var inserted = scope.Execute(InsertEvent,
                    ("$id", e.Id), ("$customer", e.Subject), ("$type", e.Type), ("$time", Ticks(e.Time)), ("$received", received), ("$body", body));
                if (inserted == 1) fresh.Add(e.Id);
            }

            return fresh;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CustomerEvent>> ReadPendingEventsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CustomerEvent>>(Read(c =>
            Query(c, $"SELECT {PendingEventColumns} FROM inbox_pending p JOIN events e ON e.seq = p.seq ORDER BY p.seq", r => ReadEvent(r, 0) ?? throw new InvalidDataException("a pending event without its body"))));

    public Task<IReadOnlyList<TimelineEvent>> ReadEventsAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<TimelineEvent>>(Read(c => Query(c,
            EventsOfCustomer,
            r => ReadEvent(r, 0) is { } e
                ? new TimelineEvent(r.GetInt64(5), e, FromTicks(r.GetInt64(6)), ParseStatus(r.GetString(7)))
                : new TimelineEvent(r.GetInt64(5), new CustomerEvent(r.GetString(0), r.GetString(1), r.GetString(2), FromTicks(r.GetInt64(3)), []),
                    FromTicks(r.GetInt64(6)), ParseStatus(r.GetString(7))) { BodyDropped = true },
            ("$customer", customerId), ("$after", after), ("$limit", limit))));

    public Task<EventStatus?> ReadEventStatusAsync(string eventId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c => Scalar(c, $"SELECT {StatusOfEvent} FROM events e WHERE id = $id", ("$id", eventId)) is string s ? ParseStatus(s) : (EventStatus?)null));

    /// <summary>
    /// Empties the bodies of processed events received before <paramref name="before"/> (the retention); their id,
    /// type, customer and times stay. Returns how many were dropped.
    /// </summary>
    internal Task<int> DropEventBodiesAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var cutoff = Ticks(before);
        return _writer.WriteAsync(scope => scope.Execute(
            "UPDATE events SET body = X'' WHERE status <> 'poison' AND received_at < $before AND length(body) > 0 AND NOT EXISTS (SELECT 1 FROM inbox_pending p WHERE p.seq = events.seq)",
            ("$before", cutoff)), cancellationToken);
    }

    /// <summary>The columns <see cref="ReadEvent"/> reads, in its order.</summary>
    private const string EventColumns = "id, type, customer_id, time, body";

    /// <summary><see cref="EventColumns"/> of <c>events e</c> in a join.</summary>
    private const string PendingEventColumns = "e.id, e.type, e.customer_id, e.time, e.body";

    /// <summary>
    /// What an inbox row keeps of an event beyond its columns (id, type, subject and time are columns): the source and
    /// the data, as compressed JSON (<see cref="CompressedJson"/>).
    /// </summary>
    internal static byte[] EventBody(CustomerEvent e) => CompressedJson.EventBodies.Serialize(new StoredEventBody(e.Source, e.Data), RuntimeJson.Options);

    /// <summary>The event of a row read with <see cref="EventColumns"/> from <paramref name="first"/> on; null once its body was dropped.</summary>
    private static CustomerEvent? ReadEvent(SqliteDataReader r, int first)
    {
        var stored = StoredBytes(r, first + 4, "inbox event body");
        if (stored.Length == 0) return null;
        var body = CompressedJson.EventBodies.Deserialize<StoredEventBody>(stored, RuntimeJson.Options);
        return new CustomerEvent(r.GetString(first), r.GetString(first + 1), r.GetString(first + 2), FromTicks(r.GetInt64(first + 3)), body.Data ?? [], body.Source ?? "unknown");
    }

    /// <summary>
    /// An inbox time (<c>time</c>, <c>received_at</c>): UTC ticks, 8 bytes where ISO text took 28, with the same
    /// 100 ns precision, and ordered.
    /// </summary>
    internal static long Ticks(DateTimeOffset t) => t.UtcTicks;

    private static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    /// <summary>An inbox event's body: the part of the CloudEvent no column holds.</summary>
    private sealed record StoredEventBody(string? Source, JsonObject? Data);

    private static EventStatus ParseStatus(string status) => status switch
    {
        "pending" => EventStatus.Pending,
        "done" => EventStatus.Done,
        _ => EventStatus.Poison,
    };
}
