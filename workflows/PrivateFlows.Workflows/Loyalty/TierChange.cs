namespace PrivateFlows.Workflows.Loyalty;

/// <summary>A member tier change: an immediate upgrade, or the outcome of the yearly review.</summary>
public sealed record TierChange(string From, string To, DateTimeOffset At, string Reason)
{
    public bool IsUpgrade { get; init; }
}
