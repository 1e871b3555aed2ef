using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// What a decision forgets before it starts, so the customer document stays small: ended instances past
/// <see cref="CustomerDecider.KeepEndedInstances"/> (or beyond <see cref="CustomerDecider.MaxEndedInstances"/>), sends
/// older than the longest frequency cap, and the entry event data fields no expression or template of the instance's
/// journey version can read (<see cref="EntryEventFields"/>).
/// </summary>
public static class StatePruning
{
    public static CustomerState Prune(CustomerState state, DecisionContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        var now = context.Now;
        var window = context.Policy.Caps.IsEmpty ? TimeSpan.Zero : context.Policy.Caps.Max(c => c.Window);
        if (!state.Instances.Any(i => i.Status == InstanceStatus.Ended) && state.RecentSends.All(s => s.At > now - window))
        {
            // The usual step forgets nothing: no copies of the instance and send lists.
            return TrimEntryData(state, context);
        }

        var ended = state.Instances.Where(i => i.Status == InstanceStatus.Ended).OrderByDescending(i => i.EndedAt).ThenBy(i => i.InstanceId, StringComparer.Ordinal).ToList();
        var drop = ended.Where((i, index) => index >= CustomerDecider.MaxEndedInstances || i.EndedAt < now - CustomerDecider.KeepEndedInstances).Select(i => i.InstanceId).ToHashSet(StringComparer.Ordinal);
        var instances = drop.Count == 0 ? state.Instances : [.. state.Instances.Where(i => !drop.Contains(i.InstanceId))];
        return state with
        {
            Instances = TrimEntryData(instances, context),
            RecentSends = [.. state.RecentSends.Where(s => s.At > now - window)],
        };
    }

    /// <summary>
    /// Running instances keep only the entry data fields their journey version reads. Applied to the state a decision
    /// returns, so an instance is stored trimmed from its first step (<see cref="Prune"/> trims documents stored before).
    /// </summary>
    public static CustomerState TrimEntryData(CustomerState state, DecisionContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        var instances = TrimEntryData(state.Instances, context);
        return instances == state.Instances ? state : state with { Instances = instances };
    }

    private static ImmutableArray<JourneyInstance> TrimEntryData(ImmutableArray<JourneyInstance> instances, DecisionContext context)
    {
        ImmutableArray<JourneyInstance>.Builder? trimmed = null;
        for (var i = 0; i < instances.Length; i++)
        {
            var instance = instances[i];
            var data = instance.EntryEvent.Data;
            if (instance.Status == InstanceStatus.Ended || data.Count == 0 || context.FindVersion(instance.Version) is not { } version || EntryEventFields.For(version) is not { } keep) continue;
            if (data.All(f => keep.Contains(f.Key))) continue;
            var kept = new JsonObject();
            foreach (var (field, value) in data)
            {
                if (keep.Contains(field)) kept[field] = value?.DeepClone();
            }

            trimmed ??= instances.ToBuilder();
            trimmed[i] = instance with { EntryEvent = instance.EntryEvent with { Data = kept } };
        }

        return trimmed?.ToImmutable() ?? instances;
    }
}
