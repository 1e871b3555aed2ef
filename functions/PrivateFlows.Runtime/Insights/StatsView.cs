using System.Collections.Immutable;
using System.Globalization;
using PrivateFlows.Workflows.Insights;

namespace PrivateFlows.Runtime.Insights;

public sealed record SeriesPoint(string Date, int Sends, int Conversions);

public sealed record DeclaredWinnerView(string Variant, double Confidence, string Metric, DateTimeOffset DeclaredAt);

/// <summary>
/// The answer of <c>GET /api/journeys/{name}/stats</c> on the local host and in Azure: <see cref="JourneyStats"/> with
/// per-channel message cost, the declared winner (which <c>winner</c> then names) and daily series.
/// </summary>
public sealed record StatsView(
    string Journey,
    ImmutableArray<VariantStats> Variants,
    double? HoldoutUplift,
    double? UpliftConfidence,
    string? Winner,
    double? WinnerConfidence,
    decimal AttributedRevenue,
    decimal MessageCost,
    decimal CouponCost,
    double? Roi,
    bool WinnerDeclared,
    DeclaredWinnerView? DeclaredWinner,
    string? WinnerRule,
    ImmutableArray<SeriesPoint> Series,
    ImmutableArray<VariantFunnel> Funnels)
{
    public static StatsView From(JourneyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var s = report.Stats;
        var declared = report.Declared is { } d ? new DeclaredWinnerView(d.Variant, d.Confidence, d.Metric, d.DeclaredAt) : null;
        return new StatsView(s.Journey, s.Variants, s.HoldoutUplift, s.UpliftConfidence, s.Winner, s.WinnerConfidence, s.AttributedRevenue, s.MessageCost, s.CouponCost, s.Roi,
            declared is not null, declared, report.Rule?.ToString(),
            [.. report.Series.Select(p => new SeriesPoint(p.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p.Sent, p.Converted))],
            report.Funnels);
    }
}
