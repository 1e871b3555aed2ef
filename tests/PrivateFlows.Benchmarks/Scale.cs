namespace PrivateFlows.Benchmarks;

/// <summary>How big each measurement is: the full run (issue 10) or <c>--quick</c> (a smoke test under a minute).</summary>
public sealed record Scale(
    string Name,
    int Events,
    int Customers,
    int RawUpserts,
    int TimerInstances,
    TimeSpan TimerLead,
    TimeSpan TimerSpread,
    int FootprintSmall,
    int FootprintLarge,
    int CostEvents,
    int CostCustomers,
    int WarmupEvents,
    int BurstTimers,
    TimeSpan BurstSpread)
{
    public static readonly Scale Full = new("full", 100_000, 20_000, 100_000, 100_000, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3), 100_000, 1_000_000, 20_000, 4_000, 10_000, 100_000, TimeSpan.FromSeconds(20));

    public static readonly Scale Quick = new("quick", 3_000, 600, 5_000, 1_500, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4), 1_500, 6_000, 2_000, 400, 1_000, 5_000, TimeSpan.FromSeconds(1));

    public bool IsQuick => Name == "quick";
}
