using System.Collections.Immutable;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Storage;

/// <summary>An in-flight (not ended) instance as the live-count step index holds it, in either store.</summary>
public sealed record IndexedStep(string Journey, string Version, string Step, bool Faulted)
{
    /// <summary>The document's in-flight instances by instance id, as the step index should hold them.</summary>
    public static ImmutableDictionary<string, IndexedStep> InFlight(CustomerDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var builder = ImmutableDictionary.CreateBuilder<string, IndexedStep>(StringComparer.Ordinal);
        foreach (var i in document.State.Instances)
        {
            if (i.Status != InstanceStatus.Ended) builder[i.InstanceId] = new IndexedStep(i.Journey, i.Version, i.StepId ?? "", i.Status == InstanceStatus.Faulted);
        }

        return builder.ToImmutable();
    }
}
