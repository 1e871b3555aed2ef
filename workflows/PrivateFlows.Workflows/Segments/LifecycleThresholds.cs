namespace PrivateFlows.Workflows.Segments;

/// <summary>
/// Day thresholds of the lifecycle stages, counted in whole days since the last order (or, for customers who
/// never ordered, since they were last active). Defaults suit a consumer shop whose products last about a month.
/// </summary>
public sealed record LifecycleThresholds
{
    /// <summary>A first order younger than this keeps the customer "new".</summary>
    public int NewDays { get; init; } = 30;
    /// <summary>No order for this many days: "at-risk".</summary>
    public int AtRiskDays { get; init; } = 30;
    public int DormantDays { get; init; } = 90;
    public int ChurnedDays { get; init; } = 180;
    /// <summary>A customer who came back stays "recalled" this long after the comeback order (unless silent again).</summary>
    public int RecalledDays { get; init; } = 30;

    public static readonly LifecycleThresholds Default = new();

    /// <summary>Configuration mistakes, in the marketer's words; empty when the thresholds make sense.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (NewDays < 0 || AtRiskDays <= 0 || RecalledDays < 0) problems.Add("lifecycle days must be positive");
        if (!(AtRiskDays < DormantDays && DormantDays < ChurnedDays)) problems.Add($"lifecycle days must grow: at-risk {AtRiskDays} < dormant {DormantDays} < churned {ChurnedDays}");
        return problems;
    }
}
