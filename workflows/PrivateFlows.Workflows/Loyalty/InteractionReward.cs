namespace PrivateFlows.Workflows.Loyalty;

/// <summary>Points for an interaction event, at most <paramref name="DailyLimit"/> times per local day.</summary>
public sealed record InteractionReward(long Points, int DailyLimit = 1);
