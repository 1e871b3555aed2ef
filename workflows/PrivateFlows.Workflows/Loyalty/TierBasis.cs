namespace PrivateFlows.Workflows.Loyalty;

/// <summary>What tier thresholds are measured in, over the trailing 12 months.</summary>
public enum TierBasis
{
    /// <summary>Net spend: orders minus refunds.</summary>
    Spend,
    /// <summary>Points earned (refund claw-backs deducted; redeeming or expiring points does not lower it).</summary>
    Points,
}
