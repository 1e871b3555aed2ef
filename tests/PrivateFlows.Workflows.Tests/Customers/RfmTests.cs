using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Segments;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>RFM scores on their cut points, the classic groups, and quintile cut points computed from the customer base.</summary>
public class RfmTests
{
    private static readonly DateTimeOffset Now = Clock.Shanghai(2026, 6, 30, 12, 0);

    private static CustomerProfile Buyer(int daysSinceLastOrder, int orders = 1, decimal net = 100m) => People.LinXiao("c1") with
    {
        Orders = new OrdersSummary(orders, net, 0m, Now.AddDays(-daysSinceLastOrder - 30), Now.AddDays(-daysSinceLastOrder)),
    };

    [Theory]
    [InlineData(0, 5)]
    [InlineData(14, 5)]
    [InlineData(15, 4)]
    [InlineData(30, 4)]
    [InlineData(31, 3)]
    [InlineData(60, 3)]
    [InlineData(61, 2)]
    [InlineData(120, 2)]
    [InlineData(121, 1)]
    [InlineData(1_000, 1)]
    public void Recency_DaysSinceTheLastOrder_OnTheCutPoints(int days, int expected)
    {
        RfmScoring.Score(Buyer(days), Now).R.Should().Be(expected);
    }

    [Fact]
    public void Recency_14Days23Hours_IsStill14WholeDays()
    {
        var profile = People.LinXiao("c1") with { Orders = new OrdersSummary(1, 10m, 0m, Now.AddDays(-15).AddHours(1), Now.AddDays(-15).AddHours(1)) };

        RfmScoring.Score(profile, Now).Should().BeEquivalentTo(new { R = 5, RecencyDays = 14 });
    }

    [Fact]
    public void NeverOrdered_ScoresOneOneOne_AndIsLost()
    {
        RfmScoring.Score(People.LinXiao("c1"), Now).Should().BeEquivalentTo(new { R = 1, F = 1, M = 1, Group = RfmGroups.Lost, RecencyDays = (int?)null, Code = "111" });
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 3)]
    [InlineData(5, 4)]
    [InlineData(9, 4)]
    [InlineData(10, 5)]
    public void Frequency_OrderCounts_OnTheCutPoints(int orders, int expected)
    {
        RfmScoring.Score(Buyer(1, orders: orders), Now).F.Should().Be(expected);
    }

    [Theory]
    [InlineData(199.99, 1)]
    [InlineData(200, 2)]
    [InlineData(499.99, 2)]
    [InlineData(500, 3)]
    [InlineData(1_500, 4)]
    [InlineData(4_999.99, 4)]
    [InlineData(5_000, 5)]
    public void Monetary_NetSpendInYuan_OnTheCutPoints(double net, int expected)
    {
        RfmScoring.Score(Buyer(1, net: (decimal)net), Now).M.Should().Be(expected);
    }

    [Fact]
    public void Monetary_IsNetOfRefunds()
    {
        var profile = Buyer(1) with { Orders = new OrdersSummary(2, 600m, 150m, Now.AddDays(-10), Now.AddDays(-1)) };

        RfmScoring.Score(profile, Now).Should().BeEquivalentTo(new { M = 2, NetSpend = 450m });
    }

    [Theory]
    [InlineData(5, 5, 5, RfmGroups.Champions)]
    [InlineData(5, 4, 3, RfmGroups.Champions)]
    [InlineData(5, 3, 2, RfmGroups.PotentialLoyalist)]
    [InlineData(5, 1, 1, RfmGroups.New)]
    [InlineData(4, 1, 1, RfmGroups.Promising)]
    [InlineData(4, 5, 4, RfmGroups.Loyal)]
    [InlineData(3, 5, 5, RfmGroups.Loyal)]
    [InlineData(3, 3, 3, RfmGroups.NeedAttention)]
    [InlineData(3, 2, 1, RfmGroups.AboutToSleep)]
    [InlineData(2, 3, 4, RfmGroups.AtRisk)]
    [InlineData(1, 4, 3, RfmGroups.AtRisk)]
    [InlineData(1, 5, 5, RfmGroups.CannotLose)]
    [InlineData(2, 5, 4, RfmGroups.CannotLose)]
    [InlineData(2, 1, 2, RfmGroups.Hibernating)]
    [InlineData(1, 2, 2, RfmGroups.Hibernating)]
    [InlineData(1, 1, 1, RfmGroups.Lost)]
    [InlineData(1, 1, 2, RfmGroups.Hibernating)]
    public void Groups_FromRecencyAndTheMeanOfFrequencyAndMonetary(int r, int f, int m, string group)
    {
        RfmGroups.For(r, f, m).Should().Be(group);
    }

    [Fact]
    public void Groups_EveryScoreCombination_HasExactlyOneGroup_AndEveryGroupIsUsed()
    {
        var groups = new List<string>();
        for (var r = 1; r <= 5; r++)
        for (var f = 1; f <= 5; f++)
        for (var m = 1; m <= 5; m++)
            groups.Add(RfmGroups.For(r, f, m));

        groups.Should().OnlyContain(g => RfmGroups.All.Contains(g));
        groups.Distinct().Should().BeEquivalentTo(RfmGroups.All);
    }

    [Fact]
    public void Thresholds_Configurable()
    {
        var strict = new RfmThresholds { RecencyDays = [7, 14, 28, 56], Orders = [3, 6, 12, 24], NetSpend = [1_000m, 3_000m, 10_000m, 30_000m] };

        RfmScoring.Score(Buyer(10, orders: 6, net: 3_000m), Now, strict).Code.Should().Be("433");
        new RfmThresholds { Orders = [2, 3, 1, 10] }.Problems().Should().ContainSingle().Which.Should().Be("RFM orders: cut points must not decrease");
    }

    [Fact]
    public void Quintiles_TenBuyers_TwoInEachScore()
    {
        var buyers = Enumerable.Range(1, 10).Select(i => Buyer(daysSinceLastOrder: i * 10, orders: i, net: i * 100m) with { CustomerId = $"c{i}" }).ToList();

        var cuts = RfmQuintiles.Compute(buyers, Now);

        cuts.Orders.Should().Equal(3, 5, 7, 9);
        cuts.NetSpend.Should().Equal(300m, 500m, 700m, 900m);
        cuts.RecencyDays.Should().Equal(20, 40, 60, 80);
        buyers.Select(b => RfmScoring.Score(b, Now, cuts).Code).Should().Equal("511", "511", "422", "422", "333", "333", "244", "244", "155", "155");
    }

    [Fact]
    public void Quintiles_MostBuyersOrderedOnce_TiesShareTheLowestScore()
    {
        var buyers = Enumerable.Range(1, 10).Select(i => Buyer(5, orders: i <= 7 ? 1 : i - 6) with { CustomerId = $"c{i}" }).ToList(); // 1×7, 2, 3, 4

        var cuts = RfmQuintiles.Compute(buyers, Now);

        buyers.Select(b => RfmScoring.Score(b, Now, cuts).F).Should().Equal(1, 1, 1, 1, 1, 1, 1, 4, 5, 5);
        RfmQuintiles.Compute([], Now).Should().Be(RfmThresholds.Default);
        RfmQuintiles.Compute([People.LinXiao("c1")], Now).Should().Be(RfmThresholds.Default, "customers who never ordered are not ranked");
    }

    [Property(MaxTest = 200)]
    public void Quintiles_DistinctValues_EachScoreHoldsAFifth(PositiveInt size, int seed)
    {
        var n = 5 + size.Get % 200;
        var random = new Random(seed);
        var spends = Enumerable.Range(0, n).Select(i => i * 10m + 1m).OrderBy(_ => random.Next()).ToList();
        var buyers = spends.Select((s, i) => Buyer(i + 1, orders: 1, net: s) with { CustomerId = $"c{i}" }).ToList();

        var cuts = RfmQuintiles.Compute(buyers, Now);

        var perScore = buyers.GroupBy(b => RfmScoring.Score(b, Now, cuts).M).ToDictionary(g => g.Key, g => g.Count());
        perScore.Keys.Should().BeEquivalentTo([1, 2, 3, 4, 5]);
        perScore.Values.Should().OnlyContain(c => c == n / 5 || c == (n + 4) / 5);
        var recency = buyers.GroupBy(b => RfmScoring.Score(b, Now, cuts).R).ToDictionary(g => g.Key, g => g.Count());
        recency.Values.Should().OnlyContain(c => c == n / 5 || c == (n + 4) / 5);
    }

    [Property(MaxTest = 200)]
    public void Quintiles_ScoreIsOnePlusFifthOfBuyersStrictlyWorse(int[] orderCounts)
    {
        var buyers = orderCounts.Select((o, i) => Buyer(3, orders: 1 + Math.Abs(o % 12)) with { CustomerId = $"c{i}" }).ToList();
        if (buyers.Count == 0) return;

        var cuts = RfmQuintiles.Compute(buyers, Now);

        foreach (var b in buyers)
        {
            var worse = buyers.Count(o => o.Orders.Count < b.Orders.Count);
            RfmScoring.Score(b, Now, cuts).F.Should().Be(1 + 5 * worse / buyers.Count);
        }
    }

    [Fact]
    public void ScriptModel_ExposesRfmAsOfTheDecisionTime()
    {
        var profile = Buyer(10, orders: 5, net: 2_000m);

        Eval("customer.rfm.r + '' + customer.rfm.f + customer.rfm.m + ' ' + customer.rfm.group", profile, Now).Should().Be("544 champions");
        Eval("customer.rfm.group", profile, Now.AddDays(200)).Should().Be(RfmGroups.AtRisk);
    }

    internal static string Eval(string expression, CustomerProfile profile, DateTimeOffset now, CustomerProgram? program = null) =>
        ScriptModel.Format(TemplateSandbox.Evaluate(expression, ScriptModel.For(profile, null, null, now, program ?? CustomerProgram.Default)));
}
