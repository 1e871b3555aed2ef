using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Insights;

/// <summary>The seed playbook's operating KPIs over the customer base, as of a given instant.</summary>
public sealed record Kpis(
    long Customers,
    Proportion ActivityRate,
    Proportion ConversionRate,
    Proportion RepurchaseRate,
    Proportion Retention30d,
    decimal AverageLifetimeValue,
    ImmutableSortedDictionary<string, decimal> LifetimeValueBySegment)
{
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromDays(30);

    /// <param name="segmentOf">Names the segment a customer belongs to for the CLV breakdown (e.g. lifecycle stage or tier).</param>
    public static Kpis Compute(IReadOnlyCollection<CustomerProfile> customers, DateTimeOffset now, Func<CustomerProfile, string> segmentOf)
    {
        long n = customers.Count;
        var active = customers.LongCount(c => c.LastActiveAt is { } a && a > now - ActiveWindow);
        var buyers = customers.LongCount(c => c.Orders.Count > 0);
        var repeat = customers.LongCount(c => c.Orders.Count > 1);
        // Retention: of those registered at least 30 days ago, how many were still active 30 days or more after joining.
        var cohort = customers.Where(c => c.RegisteredAt is { } r && r <= now - ActiveWindow).ToList();
        var retained = cohort.LongCount(c => c.LastActiveAt is { } a && a - c.RegisteredAt!.Value >= ActiveWindow); // a difference: no overflow near year 9999
        var clv = n == 0 ? 0 : customers.Sum(c => c.Orders.Net) / n;
        var bySegment = customers.GroupBy(segmentOf).ToImmutableSortedDictionary(g => g.Key, g => Math.Round(g.Sum(c => c.Orders.Net) / g.Count(), 2), StringComparer.Ordinal);
        return new Kpis(n, Proportion.Of(active, n), Proportion.Of(buyers, n), Proportion.Of(repeat, buyers), Proportion.Of(retained, cohort.Count), Math.Round(clv, 2), bySegment);
    }
}
