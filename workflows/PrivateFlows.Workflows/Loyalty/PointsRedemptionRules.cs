namespace PrivateFlows.Workflows.Loyalty;

/// <summary>How points are spent: <see cref="PointsPerCurrencyUnit"/> points are worth ¥1, spent in steps of <see cref="Step"/>, at least <see cref="Minimum"/> at a time.</summary>
public sealed record PointsRedemptionRules
{
    public int PointsPerCurrencyUnit { get; init; } = 100;
    public long Minimum { get; init; } = 100;
    public long Step { get; init; } = 100;

    /// <summary>Why a redemption of <paramref name="points"/> cannot go ahead with this balance; null when it can.</summary>
    public string? Refusal(long balance, long points)
    {
        if (points <= 0) return "redeem a positive number of points";
        if (points < Minimum) return $"redeem at least {Minimum} points";
        if (Step > 1 && points % Step != 0) return $"redeem points in steps of {Step}";
        if (points > balance) return $"only {balance} points available";
        return null;
    }

    /// <summary>What the points are worth in currency.</summary>
    public decimal Value(long points) => PointsPerCurrencyUnit <= 0 ? 0m : Math.Floor(points * 100m / PointsPerCurrencyUnit) / 100m;
}
