using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Segments;

/// <summary>Scores a customer's recency, frequency and monetary value as of a given moment.</summary>
public static class RfmScoring
{
    public static RfmScore Score(CustomerProfile profile, DateTimeOffset now, RfmThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var t = thresholds ?? RfmThresholds.Default;
        int? days = profile.Orders.Count > 0 && profile.Orders.LastAt is { } last ? Lifecycle.WholeDays(last, now) : null;
        var r = Recency(days, t);
        var f = Frequency(profile.Orders.Count, t);
        var m = Monetary(profile.Orders.Net, t);
        return new RfmScore(r, f, m, RfmGroups.For(r, f, m), days, profile.Orders.Count, profile.Orders.Net);
    }

    /// <summary>5 minus the number of recency cut points the days exceed; never ordered is 1.</summary>
    public static int Recency(int? days, RfmThresholds t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return days is { } d ? Math.Max(1, 5 - t.RecencyDays.Count(cut => d > cut)) : 1;
    }

    public static int Frequency(int orders, RfmThresholds t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return Math.Min(5, 1 + t.Orders.Count(cut => orders >= cut));
    }

    public static int Monetary(decimal netSpend, RfmThresholds t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return Math.Min(5, 1 + t.NetSpend.Count(cut => netSpend >= cut));
    }
}
