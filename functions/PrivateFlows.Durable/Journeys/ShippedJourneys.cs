using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Durable.Journeys;

/// <summary>
/// The journey versions the Functions app ships with (its <c>journeys/</c> folder), known by content hash.
/// A version is immutable, so resolving a hash here is deterministic: the orchestration records which hashes new
/// entries use (an activity reads <see cref="Latest"/>), and replays resolve the same definitions. An app that drops
/// a version leaves the instances pinned to it untouched until a build that ships it again (the decider ignores
/// instances of unknown versions).
/// </summary>
public sealed class ShippedJourneys
{
    private readonly ImmutableDictionary<string, JourneyVersion> _byHash;

    public ShippedJourneys(IEnumerable<JourneyVersion> versions, ContactPolicy? policy = null, CustomerProgram? program = null)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var list = versions.ToList();
        _byHash = list.ToImmutableDictionary(v => v.Version, StringComparer.Ordinal);
        // The latest of each journey is the one with the highest number; unpublished (0) versions are the only one of their name.
        Latest = [.. list.GroupBy(v => v.Name, StringComparer.Ordinal).Select(g => g.OrderBy(v => v.Number).Last()).OrderBy(v => v.Name, StringComparer.Ordinal).Select(v => v.Version)];
        Policy = policy ?? ContactPolicy.Default;
        Program = program ?? CustomerProgram.Default;
    }

    /// <summary>Hashes of the versions new customers enter, one per journey, by journey name.</summary>
    public ImmutableArray<string> Latest { get; }

    public ContactPolicy Policy { get; }

    public CustomerProgram Program { get; }

    public JourneyVersion? Find(string version) => _byHash.GetValueOrDefault(version);

    /// <summary>Loads every journey of a folder (<c>*.yaml</c> + <c>templates/</c>); any error stops the app at start-up.</summary>
    public static ShippedJourneys Load(string folder, ContactPolicy? policy = null, CustomerProgram? program = null)
    {
        var loaded = JourneyLoader.LoadDirectory(folder);
        if (loaded.HasErrors)
        {
            throw new InvalidOperationException($"journeys in {folder} do not load: {string.Join("; ", loaded.Diagnostics.Where(d => d.IsError))}");
        }

        return new ShippedJourneys(loaded.Journeys, policy, program);
    }

    /// <summary>What a decision at <paramref name="now"/> may use: entries into <paramref name="entering"/>, every shipped version for pinned instances.</summary>
    public DecisionContext ContextAt(DateTimeOffset now, IEnumerable<string> entering)
    {
        var journeys = entering.Select(Find).OfType<JourneyVersion>().ToImmutableArray();
        return new DecisionContext(now, journeys, _byHash, Policy) { Program = Program };
    }
}
