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
    IJourneyStatistics store,
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
        var journeys = new List<JourneyRoi>();
        foreach (var name in catalog.Published.Keys)
        {
            if (await StatsAsync(name, cancellationToken).ConfigureAwait(false) is { } report) journeys.Add(JourneyReports.Roi(name, report.Stats));
        }

        return KpiReports.Build([.. profiles], now, program, journeys);
    }

    private JourneyReport Report(string journey, IReadOnlyList<JourneyFacts.InstanceTally> tallies, WinnerRule? rule, DeclaredWinner? declared, IReadOnlyList<JourneyFact> facts) =>
        JourneyReports.Build(journey, tallies, facts, rule, declared, catalog.Find, costs.Value);

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
