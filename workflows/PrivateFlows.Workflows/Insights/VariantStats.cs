using System.Collections.Immutable;

namespace PrivateFlows.Workflows.Insights;

/// <summary>Funnel and outcome counts for one journey version and variant ("holdout" for the held-out group).</summary>
public sealed record VariantStats(
    string Version,
    string Variant,
    long Entered,
    long Active,
    long Completed,
    long Converted,
    long Exited,
    long Sent,
    long Suppressed,
    decimal Revenue,
    decimal CouponCost,
    Proportion Conversion)
{
    /// <summary>
    /// The funnel between <see cref="Entered"/> and <see cref="Converted"/>: how many of the instances reached each
    /// step, in the version's step order when it is known. Empty when no instance has step facts.
    /// </summary>
    public ImmutableArray<StepReached> Steps { get; init; } = [];
}

/// <summary>How many instances of one version and variant reached <see cref="Step"/>.</summary>
public sealed record StepReached(string Step, long Reached);
