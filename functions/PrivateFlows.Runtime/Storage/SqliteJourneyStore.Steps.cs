using System.Text.Json;
using PrivateFlows.Workflows.Engine;

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
        var document = commit.Document;
        var previous = commit.ExpectedVersion == 0 ? [] : commit.Previous is { } known && known.Version == commit.ExpectedVersion ? known.State.Instances : default;
        if (previous.IsDefault)
        {
            IndexAllInstanceSteps(scope, document);
            return;
        }

        foreach (var instance in document.State.Instances)
        {
            if (instance.Status == InstanceStatus.Ended) continue;
            var before = Find(previous, instance.InstanceId);
            if (before is not null && before.Status == instance.Status && before.StepId == instance.StepId && before.Version == instance.Version) continue;
            UpsertStep(scope, document.CustomerId, instance);
        }

        foreach (var before in previous)
        {
            if (before.Status == InstanceStatus.Ended) continue;
            var now = Find(document.State.Instances, before.InstanceId);
            if (now is null || now.Status == InstanceStatus.Ended) scope.Execute("DELETE FROM instance_steps WHERE instance_id = $id", ("$id", before.InstanceId));
        }
    }

    private static JourneyInstance? Find(System.Collections.Immutable.ImmutableArray<JourneyInstance> instances, string instanceId)
    {
        foreach (var instance in instances)
        {
            if (instance.InstanceId == instanceId) return instance;
        }

        return null;
    }

    private static void UpsertStep(WriteScope scope, string customerId, JourneyInstance instance) =>
        scope.Execute(UpsertInstanceStep, ("$id", instance.InstanceId), ("$customer", customerId), ("$journey", instance.Journey), ("$version", instance.Version),
            ("$step", instance.StepId ?? ""), ("$faulted", instance.Status == InstanceStatus.Faulted ? 1 : 0));

    private static void IndexAllInstanceSteps(WriteScope scope, CustomerDocument document)
    {
        List<string>? inFlight = null;
        foreach (var instance in document.State.Instances)
        {
            if (instance.Status == InstanceStatus.Ended) continue;
            (inFlight ??= []).Add(instance.InstanceId);
            UpsertStep(scope, document.CustomerId, instance);
        }

        if (inFlight is null) scope.Execute("DELETE FROM instance_steps WHERE customer_id = $customer", ("$customer", document.CustomerId));
        else scope.Execute(DeleteEndedInstanceSteps, ("$customer", document.CustomerId), ("$inFlight", JsonSerializer.Serialize(inFlight)));
    }
}
