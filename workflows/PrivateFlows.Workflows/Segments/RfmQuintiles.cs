using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Segments;

/// <summary>
/// RFM cut points from the customer base itself, so each score holds about a fifth of the buyers. Only customers
/// with at least one order are ranked (the others score R1 F1 M1 anyway). Ties get the same score: a buyer's
/// score is 1 + ⌊5 × (buyers strictly worse) / buyers⌋, so with many one-order customers F2–F4 may be empty.
/// Pure: the runtime calls it over the profiles it holds and puts the result in the customer program.
/// </summary>
public static class RfmQuintiles
{
    /// <summary>Cut point that no value reaches (e.g. when every buyer ordered once, no one gets F2 or more).</summary>
    public const int Unreachable = int.MaxValue;

    public static RfmThresholds Compute(IEnumerable<CustomerProfile> profiles, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var buyers = profiles.Where(p => p.Orders.Count > 0 && p.Orders.LastAt is not null).ToList();
        if (buyers.Count == 0) return RfmThresholds.Default;

        var days = buyers.Select(p => Lifecycle.WholeDays(p.Orders.LastAt!.Value, now)).ToList();
        var orders = buyers.Select(p => p.Orders.Count).ToList();
        var spend = buyers.Select(p => p.Orders.Net).ToList();
        return new RfmThresholds
        {
            RecencyDays = RecencyCuts(days),
            Orders = [.. HigherIsBetterCuts(orders.Select(o => (decimal)o).ToList()).Select(c => c == decimal.MaxValue ? Unreachable : (int)c)],
            NetSpend = HigherIsBetterCuts(spend),
        };
    }

    /// <summary>
    /// Cut k (1–4) = the smallest value v with ⌊5 × below(v) / n⌋ ≥ k, where below(v) counts the values under v;
    /// <see cref="decimal.MaxValue"/> when no value gets there.
    /// </summary>
    internal static ImmutableArray<decimal> HigherIsBetterCuts(IReadOnlyList<decimal> values)
    {
        var sorted = values.Order().ToList();
        var n = sorted.Count;
        var cuts = new decimal[4];
        for (var k = 1; k <= 4; k++)
        {
            cuts[k - 1] = decimal.MaxValue;
            for (var i = 0; i < n; i++)
            {
                if (i > 0 && sorted[i] == sorted[i - 1]) continue;
                if (5L * i / n >= k) // i = number of values below sorted[i]
                {
                    cuts[k - 1] = sorted[i];
                    break;
                }
            }
        }

        return [.. cuts];
    }

    /// <summary>
    /// Recency cut j (1–4, for R5 down to R2) = the largest number of days d with ⌊5 × above(d) / n⌋ ≥ 5 − j,
    /// where above(d) counts the buyers silent for longer; -1 when no buyer gets there.
    /// </summary>
    internal static ImmutableArray<int> RecencyCuts(IReadOnlyList<int> days)
    {
        var sorted = days.OrderDescending().ToList();
        var n = sorted.Count;
        var cuts = new int[4];
        for (var j = 1; j <= 4; j++)
        {
            cuts[j - 1] = -1;
            for (var i = 0; i < n; i++)
            {
                if (i > 0 && sorted[i] == sorted[i - 1]) continue;
                if (5L * i / n >= 5 - j) // i = number of buyers silent for longer than sorted[i]
                {
                    cuts[j - 1] = sorted[i];
                    break;
                }
            }
        }

        return [.. cuts];
    }
}
