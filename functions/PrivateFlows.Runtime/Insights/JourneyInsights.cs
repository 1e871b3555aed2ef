using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// Journey statistics from the anonymous journey facts, A/B winners (declared once the rule's time has passed and
/// one variant is better with the rule's confidence, then routed to by every new entry), and the seed KPIs.
/// </summary>
public sealed class JourneyInsights(
    IJourneyStore store,
    JourneyCatalog catalog,
    CustomerDirectory customers,
    IOptions<CostOptions> costs,
    TimeProvider clock,
    ILogger<JourneyInsights> log)
{
    /// <summary>Statistics of one journey (null when the journey was never published), declaring its winner when due.</summary>
    public async Task<JourneyReport?> StatsAsync(string journey, CancellationToken cancellationToken = default)
    {
        if (!catalog.Published.ContainsKey(journey)) return null;
        var facts = await store.ReadJourneyFactsAsync(journey, cancellationToken).ConfigureAwait(false);
        var tallies = JourneyFacts.Tally(facts);
        var rule = WinnerRuleOf(journey);
        var declared = await DeclareIfDueAsync(journey, rule, tallies, cancellationToken).ConfigureAwait(false);
        return Report(journey, tallies, rule, declared, facts);
    }

    /// <summary>Loads declared winners into the catalog (start-up), so new entries route to them.</summary>
    public async Task LoadWinnersAsync(CancellationToken cancellationToken = default)
    {
        var winners = await store.ReadWinnersAsync(cancellationToken).ConfigureAwait(false);
        catalog.Winners = winners.ToImmutableDictionary(w => w.Journey, w => w.Variant, StringComparer.Ordinal);
    }

    /// <summary>Checks every journey whose split has a winner rule and no declared winner yet.</summary>
    public async Task RefreshWinnersAsync(CancellationToken cancellationToken = default)
    {
        await LoadWinnersAsync(cancellationToken).ConfigureAwait(false);
        foreach (var version in catalog.Latest)
        {
            if (catalog.Winners.ContainsKey(version.Name) || WinnerRuleOf(version.Name) is not { } rule) continue;
            var tallies = JourneyFacts.Tally(await store.ReadJourneyFactsAsync(version.Name, cancellationToken).ConfigureAwait(false));
            await DeclareIfDueAsync(version.Name, rule, tallies, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Activity, conversion, repurchase, 30-day retention and CLV over every profile, with ROI per journey.</summary>
    public async Task<KpiReport> KpisAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var profiles = (await customers.ReadableAsync(now, cancellationToken).ConfigureAwait(false)).Profiles;
        var program = customers.ProgramFor(profiles, now);
        var kpis = Kpis.Compute([.. profiles], now, p => Lifecycle.Stage(p, now, program.Lifecycle));
        var byTier = profiles.GroupBy(p => p.Tier, StringComparer.Ordinal)
            .ToImmutableSortedDictionary(g => g.Key, g => Math.Round(g.Sum(p => p.Orders.Net) / g.Count(), 2), StringComparer.Ordinal);

        var journeys = new List<JourneyRoi>();
        foreach (var name in catalog.Published.Keys)
        {
            var report = await StatsAsync(name, cancellationToken).ConfigureAwait(false);
            if (report is null) continue;
            var s = report.Stats;
            journeys.Add(new JourneyRoi(name, s.Variants.Sum(v => v.Entered), s.Variants.Sum(v => v.Converted), s.AttributedRevenue, s.MessageCost, s.CouponCost, s.Roi));
        }

        var revenue = journeys.Sum(j => j.AttributedRevenue);
        var cost = journeys.Sum(j => j.MessageCost + j.CouponCost);
        double? roi = cost > 0 ? (double)((revenue - cost) / cost) : null;
        return new KpiReport(now, kpis, byTier, journeys, revenue, cost, roi);
    }

    private JourneyReport Report(string journey, IReadOnlyList<JourneyFacts.InstanceTally> tallies, WinnerRule? rule, DeclaredWinner? declared, IReadOnlyList<JourneyFact> facts)
    {
        var confidence = rule is null ? 0.95 : rule.Confidence / 100.0;
        var stats = JourneyStats.Compute(journey, tallies.Select(t => t.Summary), 0m, confidence,
            version => catalog.Find(version)?.Definition.Steps.Select(s => s.Id).ToList());

        // Message cost per channel (JourneyStats knows one price only), then ROI on the full cost.
        var settings = costs.Value;
        var messageCost = tallies.Sum(t => t.SentByChannel.Sum(c => c.Value * settings.MessageCost(c.Key.Length == 0 ? null : c.Key)));
        var cost = messageCost + stats.CouponCost;
        stats = stats with
        {
            MessageCost = messageCost,
            Roi = cost > 0 ? (double)((stats.AttributedRevenue - cost) / cost) : null,
            Winner = declared?.Variant ?? stats.Winner,
            WinnerConfidence = declared?.Confidence ?? stats.WinnerConfidence,
        };

        var series = facts
            .Where(f => f.Kind == JourneyFactKind.Sent || (f.Kind == JourneyFactKind.Ended && f.Outcome == InstanceOutcome.Converted))
            .GroupBy(f => DateOnly.FromDateTime(f.At.UtcDateTime))
            .OrderBy(g => g.Key)
            .Select(g => new DailyPoint(g.Key, g.Count(f => f.Kind == JourneyFactKind.Sent), g.Count(f => f.Kind == JourneyFactKind.Ended)))
            .ToImmutableArray();
        var funnels = JourneyFunnel.Compute(tallies.Select(t => t.Summary).Where(i => i.Journey == journey),
            version => catalog.Find(version)?.Definition is { } definition ? FunnelShape.Of(definition) : null);
        return new JourneyReport(stats, declared, rule, series) { Funnels = funnels };
    }

    /// <summary>
    /// Declares the winner once the rule's <see cref="WinnerRule.After"/> has passed since the split's first entry and one
    /// variant beats every other with the rule's confidence; the first declaration stands.
    /// </summary>
    private async Task<DeclaredWinner?> DeclareIfDueAsync(string journey, WinnerRule? rule, IReadOnlyList<JourneyFacts.InstanceTally> tallies, CancellationToken cancellationToken)
    {
        if (catalog.Winners.TryGetValue(journey, out var known))
        {
            var stored = (await store.ReadWinnersAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(w => w.Journey == journey);
            if (stored is not null) return stored;
            return new DeclaredWinner(journey, known, 0, rule?.Metric ?? "conversion", clock.GetUtcNow());
        }

        if (rule is null || SplitOf(journey) is not { } split) return null;
        var names = split.Variants.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var inTest = tallies.Where(t => t.Summary.Variant is { } v && names.Contains(v)).ToList();
        if (inTest.Count == 0) return null;
        var now = clock.GetUtcNow();
        if (now - inTest.Min(t => t.Summary.StartedAt) < rule.After) return null;

        var byVariant = inTest.GroupBy(t => t.Summary.Variant!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Proportion.Of(g.LongCount(t => t.Summary.Outcome == InstanceOutcome.Converted), g.LongCount()), StringComparer.Ordinal);
        var (winner, confidence) = JourneyStats.PickWinner(byVariant, rule.Confidence / 100.0);
        if (winner is null) return null;

        var declared = await store.DeclareWinnerAsync(new DeclaredWinner(journey, winner, confidence ?? 0, rule.Metric, now), cancellationToken).ConfigureAwait(false);
        catalog.Winners = catalog.Winners.SetItem(journey, declared.Variant);
        log.LogInformation("Journey {Journey}: declared variant {Variant} the A/B winner ({Confidence:P1} confidence, {Metric}); new entries go to it", journey, declared.Variant, declared.Confidence, declared.Metric);
        return declared;
    }

    private SplitStep? SplitOf(string journey) =>
        catalog.Latest.FirstOrDefault(v => v.Name == journey)?.Definition.Steps.OfType<SplitStep>().FirstOrDefault(s => s.Winner is not null);

    private WinnerRule? WinnerRuleOf(string journey) => SplitOf(journey)?.Winner;
}

/// <summary>A journey's statistics with its declared winner (if any), the winner rule and daily sends and conversions.</summary>
public sealed record JourneyReport(JourneyStats Stats, DeclaredWinner? Declared, WinnerRule? Rule, ImmutableArray<DailyPoint> Series)
{
    /// <summary>Per version and variant: each step reached, and what became of those who did not reach it.</summary>
    public ImmutableArray<VariantFunnel> Funnels { get; init; } = [];
}

/// <summary>Sends and conversions on one UTC day.</summary>
public sealed record DailyPoint(DateOnly Date, int Sent, int Converted);

public sealed record JourneyRoi(string Journey, long Entered, long Converted, decimal AttributedRevenue, decimal MessageCost, decimal CouponCost, double? Roi);

public sealed record KpiReport(
    DateTimeOffset AsOf,
    Kpis Kpis,
    ImmutableSortedDictionary<string, decimal> LifetimeValueByTier,
    IReadOnlyList<JourneyRoi> Journeys,
    decimal AttributedRevenue,
    decimal Cost,
    double? Roi);
