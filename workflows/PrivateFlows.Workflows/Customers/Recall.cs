namespace PrivateFlows.Workflows.Customers;

/// <summary>
/// A customer came back: ordered again at <paramref name="At"/> after being <paramref name="FromStage"/>
/// (dormant or churned) for <paramref name="SilentDays"/> days without an order. Kept on the profile so the
/// lifecycle stage can say "recalled" and journeys can tell where the customer came back from.
/// </summary>
public sealed record Recall(DateTimeOffset At, string FromStage, int SilentDays);
