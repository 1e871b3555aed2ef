using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Referrals;

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
    /// <summary>Lifecycle/RFM thresholds, named segments, loyalty program and referral rules; the seed program unless the runtime configures one.</summary>
    public CustomerProgram Program { get; init; } = CustomerProgram.Default;

    /// <summary>
    /// Facts about referrers (devices, phones, payment fingerprints, recent referrals) by referrer id, for the
    /// referral anti-fraud check. The runtime fills it for the referrer named by the customer's referral (<c>Profile.ReferredBy</c>);
    /// a missing referrer is paid unless <c>ReferralRules.HoldWhenReferrerUnknown</c>.
    /// </summary>
    public ImmutableDictionary<string, ReferrerFacts> Referrers { get; init; } = ImmutableDictionary<string, ReferrerFacts>.Empty;

    public static DecisionContext For(DateTimeOffset now, IEnumerable<JourneyVersion> journeys, ContactPolicy? policy = null, CustomerProgram? program = null)
    {
        var list = journeys.ToImmutableArray();
        return new DecisionContext(now, list, list.ToImmutableDictionary(j => j.Version, j => j), policy ?? ContactPolicy.Default)
        {
            Program = program ?? CustomerProgram.Default,
        };
    }

    /// <summary>A/B winners declared by the runtime from journey statistics (journey name → variant); splits with a winner rule route new entries there.</summary>
    public ImmutableDictionary<string, string> Winners { get; init; } = ImmutableDictionary<string, string>.Empty;

    public JourneyVersion? FindVersion(string version) => PinnedVersions.GetValueOrDefault(version);
}
