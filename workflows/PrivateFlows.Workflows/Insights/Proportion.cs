namespace PrivateFlows.Workflows.Insights;

/// <summary>A rate with its 95% Wilson score interval, which behaves well for small samples and rates near 0 or 1.</summary>
public sealed record Proportion(long Successes, long Trials, double Rate, double Low, double High)
{
    public const double Z95 = 1.959963984540054;

    public static Proportion Of(long successes, long trials)
    {
        if (trials <= 0) return new Proportion(successes, trials, 0, 0, 0);
        double n = trials, p = (double)successes / trials, z2 = Z95 * Z95;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = Z95 * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return new Proportion(successes, trials, p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>Two-sided confidence (1 − p-value) that this rate differs from <paramref name="other"/> (pooled two-proportion z-test).</summary>
    public double ConfidenceDiffersFrom(Proportion other)
    {
        if (Trials == 0 || other.Trials == 0) return 0;
        var pooled = (double)(Successes + other.Successes) / (Trials + other.Trials);
        var se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / Trials + 1.0 / other.Trials));
        if (se == 0) return 0;
        var z = Math.Abs(Rate - other.Rate) / se;
        return 1 - 2 * (1 - NormalCdf(z));
    }

    /// <summary>Abramowitz–Stegun 26.2.17 approximation of the standard normal CDF (error &lt; 7.5e-8).</summary>
    internal static double NormalCdf(double z)
    {
        var t = 1 / (1 + 0.2316419 * Math.Abs(z));
        var d = 0.3989422804014327 * Math.Exp(-z * z / 2);
        var upper = d * t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        return z >= 0 ? 1 - upper : upper;
    }
}
