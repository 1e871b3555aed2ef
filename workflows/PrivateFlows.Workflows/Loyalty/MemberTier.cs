namespace PrivateFlows.Workflows.Loyalty;

/// <summary>
/// A member tier and what qualifies for it over the trailing 12 months: net spend in currency units, or
/// qualifying points, whichever the program's <see cref="TierBasis"/> says.
/// </summary>
public sealed record MemberTier(string Name, decimal Threshold);
