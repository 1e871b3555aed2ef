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
    decimal CouponCost);
