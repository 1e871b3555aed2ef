using System.Collections.Immutable;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Insights;

/// <summary>What journey statistics need about one instance; the runtime builds these from its store.</summary>
public sealed record InstanceSummary(
    string Journey,
    string Version,
    string? Variant,
    DateTimeOffset StartedAt,
    InstanceOutcome? Outcome,
    int Sent,
    int Suppressed,
    decimal Revenue,
    decimal CouponCost)
{
    /// <summary>The ids of the steps the instance has reached (each once, however often it came back).</summary>
    public ImmutableArray<string> Reached { get; init; } = [];
}
