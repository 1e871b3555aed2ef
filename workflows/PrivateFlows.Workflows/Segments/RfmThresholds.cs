using System.Collections.Immutable;

namespace PrivateFlows.Workflows.Segments;

/// <summary>
/// Cut points of the RFM scores (1–5), four per dimension in ascending order. Defaults suit a consumer shop in
/// CNY with monthly products (average order around ¥150):
/// <list type="bullet">
/// <item>Recency, days since the last order: ≤ 14 → R5, ≤ 30 → R4, ≤ 60 → R3, ≤ 120 → R2, older or never → R1.</item>
/// <item>Frequency, orders: ≥ 2 → F2, ≥ 3 → F3, ≥ 5 → F4, ≥ 10 → F5.</item>
/// <item>Monetary, net spend (¥, refunds deducted): ≥ 200 → M2, ≥ 500 → M3, ≥ 1,500 → M4, ≥ 5,000 → M5.</item>
/// </list>
/// </summary>
public sealed record RfmThresholds
{
    /// <summary>At most this many days since the last order gives R5, R4, R3, R2; more gives R1.</summary>
    public ImmutableArray<int> RecencyDays { get; init; } = [14, 30, 60, 120];
    /// <summary>At least this many orders gives F2, F3, F4, F5; fewer gives F1.</summary>
    public ImmutableArray<int> Orders { get; init; } = [2, 3, 5, 10];
    /// <summary>At least this net spend gives M2, M3, M4, M5; less gives M1.</summary>
    public ImmutableArray<decimal> NetSpend { get; init; } = [200m, 500m, 1_500m, 5_000m];

    public static readonly RfmThresholds Default = new();

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        Check("recency days", RecencyDays.Select(d => (decimal)d).ToList());
        Check("orders", Orders.Select(d => (decimal)d).ToList());
        Check("net spend", [.. NetSpend]);
        return problems;

        void Check(string name, List<decimal> cuts)
        {
            if (cuts.Count != 4) problems.Add($"RFM {name}: give exactly 4 cut points (for scores 2–5), not {cuts.Count}");
            else if (cuts.Zip(cuts.Skip(1)).Any(p => p.First > p.Second)) problems.Add($"RFM {name}: cut points must not decrease");
        }
    }
}
