namespace PrivateFlows.Workflows.Segments;

/// <summary>Where the RFM cut points come from.</summary>
public enum RfmMode
{
    /// <summary>The configured <see cref="RfmThresholds"/>.</summary>
    Fixed,
    /// <summary>Cut points computed from the customer base on demand (<see cref="RfmQuintiles.Compute"/>), so each score holds about a fifth of the buyers.</summary>
    Quintiles,
}
