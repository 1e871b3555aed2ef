using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    public Task<PublishedJourney> PublishJourneyAsync(JourneyVersion version, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        var templates = version.Templates.Values.SelectMany(locales => locales.Values).ToList();
        var templatesJson = RuntimeJson.Serialize(templates);
        return _writer.WriteAsync(scope =>
        {
            using (var existing = scope.Command("SELECT number, published_at FROM journey_versions WHERE name = $name AND version = $version",
                       ("$name", version.Name), ("$version", version.Version)).ExecuteReader())
            {
                if (existing.Read())
                {
                    return new PublishedJourney(version.Name, existing.GetInt32(0), version.Version, version.Yaml, templates, StoredTime.Parse(existing.GetString(1)));
                }
            }

            var number = Convert.ToInt32(scope.Scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM journey_versions WHERE name = $name", ("$name", version.Name)), System.Globalization.CultureInfo.InvariantCulture);
            scope.Execute("INSERT INTO journey_versions (name, number, version, yaml, templates, published_at) VALUES ($name, $number, $version, $yaml, $templates, $at)",
                ("$name", version.Name), ("$number", number), ("$version", version.Version), ("$yaml", version.Yaml), ("$templates", templatesJson), ("$at", StoredTime.Text(at)));
            return new PublishedJourney(version.Name, number, version.Version, version.Yaml, templates, at, Created: true);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<PublishedJourney>> ReadJourneysAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PublishedJourney>>(Read(c => Query(c,
            "SELECT name, number, version, yaml, templates, published_at FROM journey_versions ORDER BY name, number",
            r => new PublishedJourney(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3),
                RuntimeJson.Deserialize<List<TemplateSource>>(r.GetString(4)), StoredTime.Parse(r.GetString(5))))));
}
