namespace PrivateFlows.Runtime.Insights;

/// <summary>Background upkeep of insights (<c>PrivateFlows:Insights</c>).</summary>
public sealed class InsightsOptions
{
    public const string Section = "PrivateFlows:Insights";

    /// <summary>How often A/B winner rules are checked and, in RFM quintile mode, the cut points recomputed.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);
}
