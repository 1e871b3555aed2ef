namespace PrivateFlows.Runtime.Storage;

public sealed partial class SqliteJourneyStore
{
    private const string UpsertPoison = """
        INSERT INTO poison (input_id, customer_id, kind, body, reason, attempts, parked_at)
        VALUES ($id, $customer, $kind, $body, $reason, $attempts, $at)
        ON CONFLICT (input_id) DO UPDATE SET reason = excluded.reason, attempts = poison.attempts + excluded.attempts, parked_at = excluded.parked_at
        """;

    public Task ParkPoisonAsync(PoisonInput poison, string? eventId, string? timerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(poison);
        return _writer.WriteAsync(scope =>
        {
            scope.Execute(UpsertPoison, ("$id", poison.InputId), ("$customer", poison.CustomerId), ("$kind", poison.Kind), ("$body", poison.Body),
                ("$reason", poison.Reason), ("$attempts", poison.Attempts), ("$at", StoredTime.Text(poison.ParkedAt)));
            if (eventId is not null) scope.Execute("UPDATE events SET status = 'poison' WHERE id = $id", ("$id", eventId));
            if (timerId is not null) scope.Execute("DELETE FROM timers WHERE id = $id", ("$id", timerId));
        }, cancellationToken);
    }

    public Task<IReadOnlyList<PoisonInput>> ReadPoisonAsync(int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PoisonInput>>(Read(c => Query(c,
            "SELECT input_id, customer_id, kind, body, reason, attempts, parked_at FROM poison ORDER BY seq DESC LIMIT $limit",
            r => new PoisonInput(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5), StoredTime.Parse(r.GetString(6))),
            ("$limit", limit))));
}
