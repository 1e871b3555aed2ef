using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Journeys;

/// <summary>
/// The published journey versions in memory: the latest version of each journey is what new customers enter;
/// every version stays known so running instances keep the version they started on.
/// </summary>
public sealed class JourneyCatalog
{
    private readonly object _gate = new();
    private ImmutableDictionary<string, JourneyVersion> _byHash = ImmutableDictionary<string, JourneyVersion>.Empty;
    private ImmutableSortedDictionary<string, ImmutableArray<PublishedJourney>> _published = ImmutableSortedDictionary<string, ImmutableArray<PublishedJourney>>.Empty.WithComparers(StringComparer.Ordinal);
    private ImmutableArray<JourneyVersion> _latest = [];

    public JourneyCatalog()
    {
    }

    /// <summary>The catalog of the engine: contact policy and customer program from configuration (validated at start-up).</summary>
    [ActivatorUtilitiesConstructor]
    public JourneyCatalog(IOptions<ContactPolicyOptions> policy, IOptions<CustomerProgramOptions> program)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(program);
        Policy = policy.Value.ToPolicy().Policy ?? ContactPolicy.Default;
        Program = program.Value.ToProgram().Program ?? CustomerProgram.Default;
    }

    public ContactPolicy Policy { get; set; } = ContactPolicy.Default;

    /// <summary>The customer program decisions use (RFM cut points refreshed from the customer base in quintile mode).</summary>
    public CustomerProgram Program { get; set; } = CustomerProgram.Default;

    /// <summary>Declared A/B winners (journey → variant): splits with a winner rule send new entries there.</summary>
    public ImmutableDictionary<string, string> Winners { get; set; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Every journey with its versions, oldest first.</summary>
    public ImmutableSortedDictionary<string, ImmutableArray<PublishedJourney>> Published => _published;

    public ImmutableArray<JourneyVersion> Latest => _latest;

    public DecisionContext ContextAt(DateTimeOffset now) => new(now, _latest, _byHash, Policy) { Program = Program, Winners = Winners };

    public JourneyVersion? Find(string versionHash) => _byHash.GetValueOrDefault(versionHash);

    /// <summary>Rebuilds a stored version (parsing its YAML with its own templates) and makes it known.</summary>
    public JourneyVersion Add(PublishedJourney published)
    {
        ArgumentNullException.ThrowIfNull(published);
        // Already published: a name check added since (PF0018) must not stop the host, so stored versions load leniently.
        var loaded = JourneyLoader.LoadPublished($"{published.Name}.yaml", published.Yaml, published.Templates);
        var version = loaded.Journeys.FirstOrDefault()
            ?? throw new InvalidOperationException($"published journey {published.Name} v{published.Number} no longer loads: {string.Join("; ", loaded.Diagnostics.Where(d => d.IsError))}");
        version = version with { Version = published.Version, Number = published.Number };
        Add(published, version);
        return version;
    }

    internal void Add(PublishedJourney published, JourneyVersion version)
    {
        lock (_gate)
        {
            _byHash = _byHash.SetItem(version.Version, version);
            var versions = _published.GetValueOrDefault(published.Name, []);
            if (!versions.Any(v => v.Version == published.Version))
            {
                versions = [.. versions.Add(published with { Created = false }).OrderBy(v => v.Number)];
            }

            _published = _published.SetItem(published.Name, versions);
            _latest = [.. _published.Select(p => _byHash[p.Value[^1].Version]).OrderBy(v => v.Name, StringComparer.Ordinal)];
        }
    }
}
