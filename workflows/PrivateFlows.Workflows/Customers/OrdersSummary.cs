namespace PrivateFlows.Workflows.Customers;

public sealed record OrdersSummary(
    int Count = 0,
    decimal Total = 0m,
    decimal Refunded = 0m,
    DateTimeOffset? FirstAt = null,
    DateTimeOffset? LastAt = null)
{
    public decimal Net => Total - Refunded;

    /// <summary>Number of refunds (partial refunds count one each).</summary>
    public int Refunds { get; init; }

    public DateTimeOffset? LastRefundAt { get; init; }
}
