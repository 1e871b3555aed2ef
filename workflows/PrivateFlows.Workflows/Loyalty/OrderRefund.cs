namespace PrivateFlows.Workflows.Loyalty;

/// <summary>A refund seen for an order; <see cref="Amount"/> null means the whole order.</summary>
public sealed record OrderRefund(DateTimeOffset At, decimal? Amount);
