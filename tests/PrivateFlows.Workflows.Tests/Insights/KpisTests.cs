using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Insights;

namespace PrivateFlows.Workflows.Tests.Insights;

public class KpisTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 30, 0, 0, 0, TimeSpan.Zero);

    private static CustomerProfile Customer(string id, int daysSinceRegistered, int? daysSinceActive, int orders, decimal spend, string tier = "member") => new()
    {
        CustomerId = id,
        RegisteredAt = Now.AddDays(-daysSinceRegistered),
        LastActiveAt = daysSinceActive is { } d ? Now.AddDays(-d) : null,
        Orders = new OrdersSummary(orders, spend),
        Tier = tier,
    };

    [Fact]
    public void Compute_HandExample_GivesSeedKpis()
    {
        var customers = new[]
        {
            Customer("a", 100, 1, 3, 300m, "gold"),   // active, buyer, repeat, retained
            Customer("b", 100, 80, 1, 100m),          // inactive, buyer, not retained (active on day 20 after joining)
            Customer("c", 10, 2, 0, 0m),              // active, new: not in the retention cohort
            Customer("d", 60, 29, 2, 200m, "gold"),   // active (29 < 30), repeat, retained (active on day 31)
        };

        var kpis = Kpis.Compute(customers, Now, c => c.Tier);

        kpis.Customers.Should().Be(4);
        kpis.ActivityRate.Rate.Should().Be(0.75);
        kpis.ConversionRate.Rate.Should().Be(0.75);
        kpis.RepurchaseRate.Rate.Should().BeApproximately(2.0 / 3, 1e-9);
        kpis.Retention30d.Trials.Should().Be(3);
        kpis.Retention30d.Successes.Should().Be(2);
        kpis.AverageLifetimeValue.Should().Be(150m);
        kpis.LifetimeValueBySegment["gold"].Should().Be(250m);
        kpis.LifetimeValueBySegment["member"].Should().Be(50m);
    }
}
