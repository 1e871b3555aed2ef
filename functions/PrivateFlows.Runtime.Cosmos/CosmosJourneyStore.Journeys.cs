using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosJourneyStore
{
    private const string VersionIndexId = "versions";

    /// <summary>
    /// Per journey (one partition), an index item maps content hashes to numbers and is replaced with its ETag: two
    /// publishers never get the same number, and publishing the same content again returns the stored version. The
    /// version item is written after the index (idempotently), so an index entry whose item is missing is completed.
    /// </summary>
    public async Task<PublishedJourney> PublishJourneyAsync(JourneyVersion version, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var name = version.Name;
        var templates = version.Templates.Values.SelectMany(locales => locales.Values).ToList();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var (_, index, etag) = await ReadAsync<VersionIndexItem>(_journeys, "journey.read-index", VersionIndexId, Key(name), cancellationToken).ConfigureAwait(false);
            if (index is not null && index.Versions.TryGetValue(version.Version, out var known))
            {
                var (_, existing, _) = await ReadAsync<VersionItem>(_journeys, "journey.read", VersionId(known), Key(name), cancellationToken).ConfigureAwait(false);
                if (existing is not null) return ToPublished(existing);
                await CreateAsync(_journeys, "journey.create", NewVersion(version, known, templates, at), Key(name), cancellationToken).ConfigureAwait(false);
                return new PublishedJourney(name, known, version.Version, version.Yaml, templates, at, Created: true);
            }

            var number = (index?.Versions.Values.DefaultIfEmpty(0).Max() ?? 0) + 1;
            var versions = new Dictionary<string, int>(index?.Versions ?? [], StringComparer.Ordinal) { [version.Version] = number };
            var next = new VersionIndexItem(VersionIndexId, name, versions);
            var (status, _) = index is null
                ? await CreateAsync(_journeys, "journey.create-index", next, Key(name), cancellationToken).ConfigureAwait(false)
                : await ReplaceAsync(_journeys, "journey.replace-index", VersionIndexId, next, Key(name), etag, cancellationToken).ConfigureAwait(false);
            if (status is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound) continue; // someone else published: read again

            await CreateAsync(_journeys, "journey.create", NewVersion(version, number, templates, at), Key(name), cancellationToken).ConfigureAwait(false);
            return new PublishedJourney(name, number, version.Version, version.Yaml, templates, at, Created: true);
        }

        throw new InvalidOperationException($"journey '{name}' could not be published: its version index kept changing");
    }

    public async Task<IReadOnlyList<PublishedJourney>> ReadJourneysAsync(CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @type").WithParameter("@type", CosmosKeys.Version);
        var rows = await QueryAcrossPartitionsAsync(_journeys, "journey.query", query, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => ToPublished(CosmosJson.Read<VersionItem>(r))).OrderBy(j => j.Name, StringComparer.Ordinal).ThenBy(j => j.Number)];
    }

    private static VersionItem NewVersion(JourneyVersion version, int number, List<TemplateSource> templates, DateTimeOffset at) =>
        new(VersionId(number), version.Name, number, version.Version, version.Yaml, JsonSerializer.SerializeToElement(templates, RuntimeJson.Options), CosmosTime.Text(at));

    private static PublishedJourney ToPublished(VersionItem v) =>
        new(v.Name, v.Number, v.Version, v.Yaml, v.Templates.Deserialize<List<TemplateSource>>(RuntimeJson.Options) ?? [], CosmosTime.Parse(v.PublishedAt));

    private static string VersionId(int number) => "v" + number.ToString("D6", CultureInfo.InvariantCulture);
}
