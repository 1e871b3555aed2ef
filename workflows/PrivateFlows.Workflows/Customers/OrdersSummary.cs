namespace PrivateFlows.Workflows.Customers;

public sealed record OrdersSummary(
    int Count = 0,
    decimal Total = 0m,
    decimal Refunded = 0m,
    DateTimeOffset? FirstAt = null,
    DateTimeOffset? LastAt = null)
{
    /// <summary>Total less refunds, bounded (<see cref="Loyalty.PointsLimits.MaxAmount"/>) so that no stored total can make it overflow.</summary>
    public decimal Net => Loyalty.PointsLimits.ClampAmount(Loyalty.PointsLimits.ClampAmount(Total) - Loyalty.PointsLimits.ClampAmount(Refunded));

    /// <summary>Number of refunds (partial refunds count one each).</summary>
    public int Refunds { get; init; }

    public DateTimeOffset? LastRefundAt { get; init; }
}
