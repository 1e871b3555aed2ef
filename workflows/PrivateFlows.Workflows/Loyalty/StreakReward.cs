namespace PrivateFlows.Workflows.Loyalty;

/// <summary>
/// One step of the check-in reward ladder: a check-in on day <paramref name="Day"/> of a streak or later earns
/// <paramref name="Points"/> (the highest step reached wins). E.g. day 1 → 5, day 3 → 10, day 7 → 30.
/// </summary>
public sealed record StreakReward(int Day, long Points);
