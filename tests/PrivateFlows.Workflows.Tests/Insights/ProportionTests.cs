using PrivateFlows.Workflows.Insights;

namespace PrivateFlows.Workflows.Tests.Insights;

public class ProportionTests
{
    [Fact]
    public void Of_TenOfHundred_MatchesPublishedWilsonInterval()
    {
        // Wilson 95% interval for 10/100 is [0.0552, 0.1744] (Newcombe 1998, table I).
        var p = Proportion.Of(10, 100);

        p.Rate.Should().Be(0.1);
        p.Low.Should().BeApproximately(0.0552, 0.0001);
        p.High.Should().BeApproximately(0.1744, 0.0001);
    }

    [Fact]
    public void Of_ZeroTrials_IsZeroNotNaN()
    {
        var p = Proportion.Of(0, 0);

        p.Rate.Should().Be(0);
        p.Low.Should().Be(0);
        p.High.Should().Be(0);
    }

    [Fact]
    public void ConfidenceDiffersFrom_ClearDifference_IsAbove99Percent()
    {
        // 200/1000 vs 100/1000: z ≈ 6.1, far beyond 99%.
        Proportion.Of(200, 1000).ConfidenceDiffersFrom(Proportion.Of(100, 1000)).Should().BeGreaterThan(0.99);
    }

    [Fact]
    public void ConfidenceDiffersFrom_KnownZ_MatchesNormalTable()
    {
        // 60/100 vs 50/100: pooled p = 0.55, se = sqrt(.55*.45*(2/100)) = 0.070356, z = 1.4213 → two-sided confidence 0.8448.
        Proportion.Of(60, 100).ConfidenceDiffersFrom(Proportion.Of(50, 100)).Should().BeApproximately(0.8448, 0.001);
    }

    [Fact]
    public void NormalCdf_AtKnownPoints_MatchesTable()
    {
        Proportion.NormalCdf(0).Should().BeApproximately(0.5, 1e-7);
        Proportion.NormalCdf(1.959964).Should().BeApproximately(0.975, 1e-6);
        Proportion.NormalCdf(-1).Should().BeApproximately(0.158655, 1e-6);
    }
}
