using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Runtime.Journeys;

/// <summary>
/// Validates and publishes journeys as immutable versions. Publishing content that is already published
/// (same hash) returns the existing version; running instances stay on the version they started on.
/// </summary>
public sealed class JourneyPublisher(IJourneyRegistry store, JourneyCatalog catalog, IOptions<JourneyOptions> options, TimeProvider clock, ILogger<JourneyPublisher> log)
{
    /// <summary>Loads every stored version into the catalog, then publishes the built-in journeys whose content is new.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var published in await store.ReadJourneysAsync(cancellationToken).ConfigureAwait(false))
        {
            catalog.Add(published);
        }

        var folder = BuiltInFolder;
        if (folder is null) return;
        if (!Directory.Exists(folder))
        {
            log.LogWarning("Built-in journeys folder {Folder} does not exist; nothing published at start-up", folder);
            return;
        }

        var loaded = JourneyLoader.LoadDirectory(folder);
        foreach (var diagnostic in loaded.Diagnostics.Where(d => d.IsError)) log.LogError("Built-in journey not published: {Diagnostic}", diagnostic.ToString());
        foreach (var version in loaded.Journeys)
        {
            var stored = await PublishAsync(version, cancellationToken).ConfigureAwait(false);
            if (stored.Created) log.LogInformation("Published built-in journey {Journey} as version {Number} ({Version})", stored.Name, stored.Number, stored.Version);
        }
    }

    /// <summary>Validates YAML (templates: the given ones, else the journey's latest published ones, else the built-in folder's) and publishes it.</summary>
    public async Task<PublishResult> PublishAsync(string yaml, IReadOnlyList<TemplateSource>? templates, string path = "journey.yaml", CancellationToken cancellationToken = default)
    {
        var available = AvailableTemplates(templates);
        var loaded = JourneyLoader.Load(path, yaml, available);
        if (loaded.HasErrors || loaded.Journeys.Count == 0) return new PublishResult(null, loaded.Diagnostics);
        var stored = await PublishAsync(loaded.Journeys[0], cancellationToken).ConfigureAwait(false);
        return new PublishResult(stored, loaded.Diagnostics);
    }

    private async Task<PublishedJourney> PublishAsync(JourneyVersion version, CancellationToken cancellationToken)
    {
        var stored = await store.PublishJourneyAsync(version, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        catalog.Add(stored, version with { Number = stored.Number, Version = stored.Version });
        return stored;
    }

    private List<TemplateSource> AvailableTemplates(IReadOnlyList<TemplateSource>? given)
    {
        var byKey = new Dictionary<(string, string), TemplateSource>();
        void Offer(IEnumerable<TemplateSource> sources)
        {
            foreach (var t in sources) byKey[(t.Name, t.Locale)] = t;
        }

        var folder = BuiltInFolder;
        if (folder is not null) Offer(JourneyLoader.ReadTemplates(Path.Combine(folder, JourneyLoader.TemplateFolder)));
        foreach (var version in catalog.Latest) Offer(version.Templates.Values.SelectMany(l => l.Values));
        if (given is not null) Offer(given);
        return [.. byKey.Values];
    }

    private string? BuiltInFolder =>
        string.IsNullOrWhiteSpace(options.Value.Path) ? null : Path.GetFullPath(options.Value.Path, AppContext.BaseDirectory);
}
