using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Segments;

/// <summary>The lifecycle stage of a customer as of a given moment. Pure: the moment comes in.</summary>
public static class Lifecycle
{
    public static string Stage(CustomerProfile profile, DateTimeOffset now, LifecycleThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var t = thresholds ?? LifecycleThresholds.Default;
        if (profile.Orders.Count == 0 || profile.Orders.LastAt is not { } lastOrder)
        {
            // Never ordered: "new" while around, then the same silence thresholds on their last activity.
            var since = profile.LastActiveAt ?? profile.RegisteredAt;
            return since is { } s ? Silence(WholeDays(s, now), t) ?? LifecycleStages.New : LifecycleStages.New;
        }

        var days = WholeDays(lastOrder, now);
        if (Silence(days, t) is { } silent) return silent;
        if (profile.LastRecall is { } recall && WholeDays(recall.At, now) < t.RecalledDays) return LifecycleStages.Recalled;
        if (profile.Orders.Count == 1 && profile.Orders.FirstAt is { } first && WholeDays(first, now) < t.NewDays) return LifecycleStages.New;
        return LifecycleStages.Active;
    }

    /// <summary>Whole days from <paramref name="from"/> to <paramref name="now"/> (never negative): 29 days 23 hours is 29.</summary>
    public static int WholeDays(DateTimeOffset from, DateTimeOffset now) =>
        now <= from ? 0 : (int)Math.Min(int.MaxValue, Math.Floor((now - from).TotalDays));

    private static string? Silence(int days, LifecycleThresholds t) =>
        days >= t.ChurnedDays ? LifecycleStages.Churned
        : days >= t.DormantDays ? LifecycleStages.Dormant
        : days >= t.AtRiskDays ? LifecycleStages.AtRisk
        : null;
}
