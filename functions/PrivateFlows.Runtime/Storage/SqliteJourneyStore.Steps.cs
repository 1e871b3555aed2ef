using System.Collections.Immutable;
using System.Text.Json;

namespace PrivateFlows.Runtime.Storage;

public sealed partial class SqliteJourneyStore
{
    // Unchanged rows are not rewritten (no trigger runs): most commits move no instance to another step.
    private const string UpsertInstanceStep = """
        INSERT INTO instance_steps (instance_id, customer_id, journey, version, step, faulted) VALUES ($id, $customer, $journey, $version, $step, $faulted)
        ON CONFLICT (instance_id) DO UPDATE SET journey = excluded.journey, version = excluded.version, step = excluded.step, faulted = excluded.faulted
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
    /// in-flight instances upserted with their step, ended and pruned ones removed. With the replaced document at
    /// hand only the instances that moved are written (most steps move none); without it, all of them.
    /// </summary>
    private static void IndexInstanceSteps(WriteScope scope, StepCommit commit)
    {
        var customerId = commit.Document.CustomerId;
        var now = IndexedStep.InFlight(commit.Document);
        var before = InFlightBefore(commit);
        if (before is null)
        {
            foreach (var (instanceId, step) in now) UpsertStep(scope, customerId, instanceId, step);
            if (now.IsEmpty) scope.Execute("DELETE FROM instance_steps WHERE customer_id = $customer", ("$customer", customerId));
            else scope.Execute(DeleteEndedInstanceSteps, ("$customer", customerId), ("$inFlight", JsonSerializer.Serialize(now.Keys)));
            return;
        }

        foreach (var (instanceId, step) in now)
        {
            if (!before.TryGetValue(instanceId, out var was) || was != step) UpsertStep(scope, customerId, instanceId, step);
        }

        foreach (var instanceId in before.Keys)
        {
            if (!now.ContainsKey(instanceId)) scope.Execute("DELETE FROM instance_steps WHERE instance_id = $id", ("$id", instanceId));
        }
    }

    /// <summary>What the index holds for the customer before this commit, when known: nothing for a new customer, else the replaced document's.</summary>
    private static ImmutableDictionary<string, IndexedStep>? InFlightBefore(StepCommit commit)
    {
        if (commit.ExpectedVersion == 0) return ImmutableDictionary<string, IndexedStep>.Empty;
        return commit.Previous is { } replaced && replaced.Version == commit.ExpectedVersion ? IndexedStep.InFlight(replaced) : null;
    }

    private static void UpsertStep(WriteScope scope, string customerId, string instanceId, IndexedStep step) =>
        scope.Execute(UpsertInstanceStep, ("$id", instanceId), ("$customer", customerId), ("$journey", step.Journey), ("$version", step.Version),
            ("$step", step.Step), ("$faulted", step.Faulted ? 1 : 0));
}
