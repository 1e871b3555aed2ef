using System.Text.Json;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    // Unchanged rows are not rewritten (no trigger runs): most commits move no instance to another step.
    private const string UpsertInstanceStep = """
        INSERT INTO instance_steps (instance_id, customer_id, journey, version, step, faulted) VALUES ($id, $customer, $journey, $version, $step, $faulted)
        ON CONFLICT (customer_id, instance_id) DO UPDATE SET journey = excluded.journey, version = excluded.version, step = excluded.step, faulted = excluded.faulted
        WHERE journey <> excluded.journey OR version <> excluded.version OR step <> excluded.step OR faulted <> excluded.faulted
        """;

    private const string DeleteEndedInstanceSteps = """
        DELETE FROM instance_steps WHERE customer_id = $customer AND instance_id NOT IN (SELECT value FROM json_each($inFlight))
        """;

    public Task<IReadOnlyList<InstanceStepCount>> CountInstancesByStepAsync(string journey, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journey);
        return Task.FromResult<IReadOnlyList<InstanceStepCount>>(Read(c => Query(c,
            """
            SELECT journey, version, step, active, faulted FROM step_counts
            WHERE journey = $journey AND ($version IS NULL OR version = $version) AND (active > 0 OR faulted > 0)
            ORDER BY version, step
            """,
            r => new InstanceStepCount(r.GetString(0), r.GetString(1), r.GetString(2) is { Length: > 0 } step ? step : null, r.GetInt64(3), r.GetInt64(4)),
            ("$journey", journey), ("$version", version))));
    }

    /// <summary>
    /// Brings the customer's rows of the step index in line with the document being committed (same transaction):
    /// the instances that moved are upserted, ended and pruned ones removed; without the replaced document at hand,
    /// the customer's rows are replaced by the in-flight instances.
    /// </summary>
    private static void StepIndexRows(List<Row> rows, string customerId, StepIndexMoves moves)
    {
        foreach (var (instanceId, step) in moves.Upserted)
        {
            rows.Add(new(UpsertInstanceStep, [("$id", instanceId), ("$customer", customerId), ("$journey", step.Journey), ("$version", step.Version),
                ("$step", step.Step), ("$faulted", step.Faulted ? 1 : 0)]));
        }

        if (moves.ReplaceAll)
        {
            rows.Add(moves.Upserted.IsEmpty
                ? new("DELETE FROM instance_steps WHERE customer_id = $customer", [("$customer", customerId)])
                : new(DeleteEndedInstanceSteps, [("$customer", customerId), ("$inFlight", JsonSerializer.Serialize(moves.Upserted.Select(u => u.Key)))]));
            return;
        }

        foreach (var instanceId in moves.Removed) rows.Add(new("DELETE FROM instance_steps WHERE customer_id = $customer AND instance_id = $id", [("$customer", customerId), ("$id", instanceId)]));
    }
}
