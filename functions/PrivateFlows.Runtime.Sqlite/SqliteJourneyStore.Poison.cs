using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    private const string UpsertPoison = """
        INSERT INTO poison (input_id, customer_id, kind, body, reason, attempts, parked_at)
        VALUES ($id, $customer, $kind, $body, $reason, $attempts, $at)
        ON CONFLICT (input_id) DO UPDATE SET reason = excluded.reason, attempts = poison.attempts + excluded.attempts, parked_at = excluded.parked_at,
            status = 'parked', resolved_at = NULL
        """;

    public Task ParkPoisonAsync(PoisonInput poison, string? eventId, string? timerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(poison);
        return _writer.WriteAsync(scope =>
        {
            scope.Execute(UpsertPoison, ("$id", poison.InputId), ("$customer", poison.CustomerId), ("$kind", poison.Kind), ("$body", poison.Body),
                ("$reason", poison.Reason), ("$attempts", poison.Attempts), ("$at", StoredTime.Text(poison.ParkedAt)));
            if (eventId is not null)
            {
                scope.Execute("UPDATE events SET status = 'poison' WHERE id = $id", ("$id", eventId));
                scope.Execute(ConsumeEvent, ("$id", eventId));
            }
            if (timerId is not null) scope.Execute(DeleteTimer, ("$customer", poison.CustomerId), ("$id", timerId));
        }, cancellationToken);
    }

    private const string PoisonColumns = "input_id, customer_id, kind, body, reason, attempts, parked_at, status, retries, resolved_at";

    public Task<IReadOnlyList<PoisonInput>> ReadPoisonAsync(int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PoisonInput>>(Read(c => Query(c, $"SELECT {PoisonColumns} FROM poison ORDER BY seq DESC LIMIT $limit", MapPoison, ("$limit", limit))));

    public Task<PoisonInput?> ReadPoisonAsync(string inputId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c => Query(c, $"SELECT {PoisonColumns} FROM poison WHERE input_id = $id", MapPoison, ("$id", inputId)).SingleOrDefault()));

    public Task<bool> CountPoisonRetryAsync(string inputId, CancellationToken cancellationToken = default) =>
        _writer.WriteAsync(scope => scope.Execute("UPDATE poison SET retries = retries + 1 WHERE input_id = $id AND status = 'parked'", ("$id", inputId)) == 1, cancellationToken);

    public Task ResolvePoisonAsync(string inputId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        _writer.WriteAsync(scope => scope.Execute("UPDATE poison SET status = 'resolved', resolved_at = $at WHERE input_id = $id", ("$id", inputId), ("$at", StoredTime.Text(at))), cancellationToken);

    private static PoisonInput MapPoison(Microsoft.Data.Sqlite.SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5), StoredTime.Parse(r.GetString(6)))
        {
            Status = r.GetString(7) == "resolved" ? PoisonStatus.Resolved : PoisonStatus.Parked,
            Retries = r.GetInt32(8),
            ResolvedAt = r.IsDBNull(9) ? null : StoredTime.Parse(r.GetString(9)),
        };
}
