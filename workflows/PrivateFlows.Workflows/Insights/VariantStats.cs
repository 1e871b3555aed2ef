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
    Proportion Conversion);
