using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Host.Events;

/// <summary>
/// The event types something acts on: the contract's, the engine's own, and every type a published journey enters
/// on, waits for, converts on or exits on. Any other type is stored but silent, so ingest warns (or, in strict mode,
/// refuses) and counts it for ops (<c>privateflows.events.unknown_type</c>, <c>GET /api/events/unknown-types</c>).
/// </summary>
public sealed class KnownEventTypes
{
    public const string MeterName = "PrivateFlows.Ingest";

    private readonly EventContract _contract;
    private readonly JourneyCatalog _catalog;
    private readonly Counter<long> _unknown;
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private KnownSnapshot? _known;

    public KnownEventTypes(EventContract contract, JourneyCatalog catalog, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _contract = contract;
        _catalog = catalog;
        _unknown = meterFactory.Create(MeterName).CreateCounter<long>("privateflows.events.unknown_type", "{event}", "Events accepted (or refused in strict mode) whose type no contract or journey knows");
    }

    /// <summary>Unknown types seen since start-up, with how many events had each (capped at 1,000 types so a flood of random types cannot grow it).</summary>
    public IReadOnlyDictionary<string, long> Seen => _seen.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    /// <summary>The known types, rebuilt only when the catalog changed (a publish), not for every ingest request.</summary>
    public IReadOnlySet<string> All()
    {
        var published = _catalog.Published;
        var latest = _catalog.Latest;
        if (_known is { } cached && ReferenceEquals(cached.Published, published) && cached.Latest == latest) return cached.Types;

        var known = new HashSet<string>(EventTypes.Known, StringComparer.Ordinal);
        known.UnionWith(_contract.Types);
        foreach (var (_, versions) in published)
        {
            foreach (var version in versions)
            {
                if (_catalog.Find(version.Version)?.Definition is { } journey) AddTypes(known, journey);
            }
        }

        foreach (var version in latest) AddTypes(known, version.Definition);
        _known = new KnownSnapshot(published, latest, known);
        return known;
    }

    /// <summary>A warning for an unknown type (and counts it), or null when the type is known.</summary>
    public EventTypeWarning? Check(string eventId, string type, IReadOnlySet<string> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        if (known.Contains(type)) return null;
        _unknown.Add(1);
        var printable = StrictJson.Printable(type);
        if (_seen.Count < 1000 || _seen.ContainsKey(printable)) _seen.AddOrUpdate(printable, 1, (_, n) => n + 1);
        var suggestion = Closest(type, known);
        var message = suggestion is null ? "unknown event type: stored on the timeline, starts nothing" : $"unknown event type; did you mean {suggestion}?";
        return new EventTypeWarning(eventId, type, message);
    }

    private static void AddTypes(HashSet<string> known, JourneyDefinition journey)
    {
        known.UnionWith(journey.Entry.Events);
        if (journey.Goal is { } goal) known.Add(goal.Event);
        foreach (var exit in journey.Exits) known.Add(exit.Event);
        foreach (var step in journey.Steps.OfType<WaitForStep>()) known.Add(step.Event);
    }

    /// <summary>The known type within a few edits of <paramref name="type"/> (case-insensitive), if one is clearly closest.</summary>
    private static string? Closest(string type, IReadOnlySet<string> known)
    {
        if (type.Length > 100) return null;
        var lower = type.ToLowerInvariant();
        var best = (Type: (string?)null, Distance: int.MaxValue);
        foreach (var candidate in known.Order(StringComparer.Ordinal))
        {
            var d = Distance(lower, candidate.ToLowerInvariant());
            if (d < best.Distance) best = (candidate, d);
        }

        return best.Distance <= Math.Max(2, type.Length / 4) ? best.Type : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>The known types as built from one state of the catalog (its collections are immutable, so reference equality says "unchanged").</summary>
    private sealed record KnownSnapshot(ImmutableSortedDictionary<string, ImmutableArray<PublishedJourney>> Published, ImmutableArray<JourneyVersion> Latest, IReadOnlySet<string> Types);
}
