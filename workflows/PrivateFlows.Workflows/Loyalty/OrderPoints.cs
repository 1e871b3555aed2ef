using System.Collections.Immutable;

namespace PrivateFlows.Workflows.Loyalty;

/// <summary>
/// What an order earned and how much of it refunds clawed back. A refund may arrive before its order; it waits
/// here until the order does, so the claw-back is the same whatever the arrival order.
/// </summary>
public sealed record OrderPoints(string OrderId)
{
    /// <summary>The <c>order.completed</c> event, once seen.</summary>
    public string? EventId { get; init; }
    public DateTimeOffset At { get; init; }
    public decimal Amount { get; init; }
    /// <summary>Points the order earned (all rules, birthday bonus included).</summary>
    public long Points { get; init; }
    public long ClawedBack { get; init; }
    /// <summary>Refunds by event id.</summary>
    public ImmutableSortedDictionary<string, OrderRefund> Refunds { get; init; } = ImmutableSortedDictionary.Create<string, OrderRefund>(StringComparer.Ordinal);
}
