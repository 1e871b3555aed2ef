using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// The unit of consistency: everything the decider needs about one customer, committed as one document.
/// </summary>
public sealed record CustomerState
{
    public required CustomerProfile Profile { get; init; }
    /// <summary>Active instances, and ended ones until they are pruned by the runtime.</summary>
    public ImmutableArray<JourneyInstance> Instances { get; init; } = [];
    public ImmutableArray<SendRecord> RecentSends { get; init; } = [];
    /// <summary>Last entry time per journey, for re-entry policies (kept after the instance is pruned).</summary>
    public ImmutableSortedDictionary<string, DateTimeOffset> LastEntered { get; init; } = ImmutableSortedDictionary<string, DateTimeOffset>.Empty;

    public string CustomerId => Profile.CustomerId;

    public static CustomerState New(string customerId) => new() { Profile = new CustomerProfile { CustomerId = customerId } };

    public JourneyInstance? FindInstance(string instanceId) => Instances.FirstOrDefault(i => i.InstanceId == instanceId);

    public CustomerState WithInstance(JourneyInstance instance)
    {
        for (var i = 0; i < Instances.Length; i++)
        {
            if (Instances[i].InstanceId == instance.InstanceId) return this with { Instances = Instances.SetItem(i, instance) };
        }

        return this with { Instances = Instances.Add(instance) };
    }
}
