namespace PrivateFlows.Workflows.Loyalty;

/// <summary>
/// Bounds on points arithmetic, so hostile numbers (an order "amount" of 9e18) can never wrap a balance negative or
/// make a sum throw. No entry, lot, debt, month total or balance goes beyond ±<see cref="MaxPoints"/>: values are
/// clamped there (saturating), far above any real programme (10^15 points) and far below <see cref="long.MaxValue"/>,
/// so adding two bounded values never overflows. Money used for earning is bounded by <see cref="MaxAmount"/>.
/// </summary>
public static class PointsLimits
{
    public const long MaxPoints = 1_000_000_000_000_000L;

    /// <summary>The largest order or refund amount earning and spend totals take into account (10^15).</summary>
    public const decimal MaxAmount = 1_000_000_000_000_000m;

    public static long Clamp(long points) => Math.Clamp(points, -MaxPoints, MaxPoints);

    /// <summary>Whole points from a decimal (floored), clamped; never throws for any decimal.</summary>
    public static long FromDecimal(decimal points)
    {
        var floored = Math.Floor(points);
        return floored >= MaxPoints ? MaxPoints : floored <= -MaxPoints ? -MaxPoints : (long)floored;
    }

    /// <summary>Saturating addition of two points values.</summary>
    public static long Add(long a, long b) => Clamp(Clamp(a) + Clamp(b));

    /// <summary>Saturating sum.</summary>
    public static long Sum(IEnumerable<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var total = 0L;
        foreach (var v in values) total = Add(total, v);
        return total;
    }

    /// <summary>An amount of money bounded to ±<see cref="MaxAmount"/>.</summary>
    public static decimal ClampAmount(decimal amount) => Math.Clamp(amount, -MaxAmount, MaxAmount);
}
