using System.Collections.Immutable;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// Everything outside the customer that a decision depends on. Time comes in here: the decider never reads a clock.
/// </summary>
/// <param name="Now">The instant of the decision (event time or timer due time as seen by the runtime).</param>
/// <param name="Journeys">The journey versions new customers enter (the latest published of each).</param>
/// <param name="PinnedVersions">Every version a running instance may be pinned to, by content hash.</param>
public sealed record DecisionContext(
    DateTimeOffset Now,
    ImmutableArray<JourneyVersion> Journeys,
    ImmutableDictionary<string, JourneyVersion> PinnedVersions,
    ContactPolicy Policy)
{
    public static DecisionContext For(DateTimeOffset now, IEnumerable<JourneyVersion> journeys, ContactPolicy? policy = null)
    {
        var list = journeys.ToImmutableArray();
        return new DecisionContext(now, list, list.ToImmutableDictionary(j => j.Version, j => j), policy ?? ContactPolicy.Default);
    }

    /// <summary>A/B winners declared by the runtime from journey statistics (journey name → variant); splits with a winner rule route new entries there.</summary>
    public ImmutableDictionary<string, string> Winners { get; init; } = ImmutableDictionary<string, string>.Empty;

    public JourneyVersion? FindVersion(string version) => PinnedVersions.GetValueOrDefault(version);
}
