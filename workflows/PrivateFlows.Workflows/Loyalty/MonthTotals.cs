namespace PrivateFlows.Workflows.Loyalty;

/// <summary>What a customer earned in one local calendar month: qualifying points and net spend (for tiers).</summary>
public sealed record MonthTotals(long Points = 0, decimal Spend = 0m);
