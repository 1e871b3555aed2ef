using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    private const string InsertEvent = """
        INSERT INTO events (id, customer_id, type, time, received_at, status, body)
        VALUES ($id, $customer, $type, $time, $received, 'pending', $body)
        ON CONFLICT (id) DO NOTHING
        """;

    public Task<IReadOnlyList<string>> AcceptEventsAsync(IReadOnlyList<CustomerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        var received = StoredTime.Text(receivedAt);
        var rows = events.Select(e => (e, body: CloudEventReader.Write(e).ToJsonString())).ToList();
        return _writer.WriteAsync<IReadOnlyList<string>>(scope =>
        {
            var fresh = new List<string>(rows.Count);
            foreach (var (e, body) in rows)
            {
                var inserted = scope.Execute(InsertEvent,
                    ("$id", e.Id), ("$customer", e.Subject), ("$type", e.Type), ("$time", StoredTime.Text(e.Time)), ("$received", received), ("$body", body));
                if (inserted == 1) fresh.Add(e.Id);
            }

            return fresh;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CustomerEvent>> ReadPendingEventsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CustomerEvent>>(Read(c =>
            Query(c, "SELECT body FROM events WHERE status = 'pending' ORDER BY seq", r => ParseEvent(r.GetString(0)))));

    public Task<IReadOnlyList<TimelineEvent>> ReadEventsAsync(string customerId, long after, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<TimelineEvent>>(Read(c => Query(c,
            "SELECT seq, body, received_at, status, id, type, customer_id, time FROM events WHERE customer_id = $customer AND seq > $after ORDER BY seq LIMIT $limit",
            r => r.GetString(1) is { Length: > 0 } body
                ? new TimelineEvent(r.GetInt64(0), ParseEvent(body), StoredTime.Parse(r.GetString(2)), ParseStatus(r.GetString(3)))
                : new TimelineEvent(r.GetInt64(0), new CustomerEvent(r.GetString(4), r.GetString(5), r.GetString(6), StoredTime.Parse(r.GetString(7)), []),
                    StoredTime.Parse(r.GetString(2)), ParseStatus(r.GetString(3))) { BodyDropped = true },
            ("$customer", customerId), ("$after", after), ("$limit", limit))));

    public Task<EventStatus?> ReadEventStatusAsync(string eventId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c => Scalar(c, "SELECT status FROM events WHERE id = $id", ("$id", eventId)) is string s ? ParseStatus(s) : (EventStatus?)null));

    /// <summary>
    /// Empties the bodies of processed events received before <paramref name="before"/> (the retention); their id,
    /// type, customer and times stay. Returns how many were dropped.
    /// </summary>
    internal Task<int> DropEventBodiesAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var cutoff = StoredTime.Text(before);
        return _writer.WriteAsync(scope => scope.Execute("UPDATE events SET body = '' WHERE status = 'done' AND received_at < $before AND body <> ''", ("$before", cutoff)), cancellationToken);
    }

    private static CustomerEvent ParseEvent(string body) =>
        CloudEventReader.Read(body).Event ?? throw new InvalidDataException("a stored event no longer parses");

    private static EventStatus ParseStatus(string status) => status switch
    {
        "pending" => EventStatus.Pending,
        "done" => EventStatus.Done,
        _ => EventStatus.Poison,
    };
}
