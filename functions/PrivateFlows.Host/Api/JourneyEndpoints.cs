using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Host.Api;

/// <summary>Published journeys and their immutable versions; publishing a new version.</summary>
public static class JourneyEndpoints
{
    public const long MaxJourneyBytes = 1024 * 1024;

    public sealed record VersionView(int Number, string Version, DateTimeOffset PublishedAt);

    public sealed record JourneySummary(string Name, string? Title, string? Description, VersionView Latest, int Versions);

    public sealed record VersionDetail(int Number, string Version, DateTimeOffset PublishedAt, string Yaml, IReadOnlyList<string> Templates);

    public sealed record JourneyDetail(string Name, string? Title, IReadOnlyList<VersionDetail> Versions);

    public sealed record Published(string Name, int Number, string Version, bool Created, IReadOnlyList<string> Warnings);

    /// <summary>JSON form of a publish: the YAML and, optionally, templates to use with it.</summary>
    public sealed record PublishRequest(string Yaml, IReadOnlyList<TemplateInput>? Templates);

    public sealed record TemplateInput(string Name, string Locale, string Text);

    public static void MapJourneyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/journeys").WithTags("journeys");

        group.MapGet("", (JourneyCatalog catalog) => TypedResults.Ok(catalog.Published.Select(p =>
            {
                var latest = p.Value[^1];
                var definition = catalog.Find(latest.Version)?.Definition;
                return new JourneySummary(p.Key, definition?.Title, definition?.Description, View(latest), p.Value.Length);
            }).ToList()))
            .RequireAuthorization(Policies.MarketerOrOps)
            .WithSummary("Published journeys with their latest version");

        group.MapGet("/{name}", Results<Ok<JourneyDetail>, ProblemHttpResult> (string name, JourneyCatalog catalog) =>
            {
                if (!catalog.Published.TryGetValue(name, out var versions)) return Problems.NotFound("Journey not found", $"no journey '{name}'");
                var title = catalog.Find(versions[^1].Version)?.Definition.Title;
                return TypedResults.Ok(new JourneyDetail(name, title, [.. versions.Select(v => new VersionDetail(v.Number, v.Version, v.PublishedAt, v.Yaml,
                    [.. v.Templates.Select(t => $"{t.Name}.{t.Locale}")]))]));
            })
            .RequireAuthorization(Policies.MarketerOrOps)
            .WithSummary("Every version of a journey, oldest first, with its YAML");

        group.MapPost("", PublishAsync)
            .RequireAuthorization(Roles.Marketer)
            .Accepts<string>("application/yaml", "text/yaml", "application/x-yaml", "text/plain", "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Publish a journey (YAML body, or JSON {yaml, templates}): validated, stored as a new immutable version; running instances stay on theirs");
    }

    private static async Task<Results<Created<Published>, Ok<Published>, ProblemHttpResult>> PublishAsync(HttpRequest request, JourneyPublisher publisher, CancellationToken ct, string? file)
    {
        if (request.ContentLength > MaxJourneyBytes) return TooLarge();
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[MaxJourneyBytes + 1];
        var length = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        if (length > MaxJourneyBytes) return TooLarge();
        var text = new string(buffer, 0, length);

        string yaml;
        List<TemplateSource>? templates = null;
        var contentType = request.ContentType ?? "";
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            PublishRequest? body;
            try
            {
                body = JsonSerializer.Deserialize<PublishRequest>(text, RuntimeJson.Options);
            }
            catch (JsonException e)
            {
                return Invalid($"malformed JSON: {e.Message}", []);
            }

            if (body?.Yaml is null) return Invalid("yaml is required", []);
            yaml = body.Yaml;
            templates = body.Templates?.Select(t => new TemplateSource(t.Name, t.Locale, t.Text, $"{t.Name}.{t.Locale}.sbn")).ToList();
        }
        else if (contentType.Length == 0 || contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase) || contentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            yaml = text;
        }
        else
        {
            return TypedResults.Problem("send the journey as application/yaml (or JSON {yaml, templates})", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        if (string.IsNullOrWhiteSpace(yaml)) return Invalid("the journey is empty", []);
        var result = await publisher.PublishAsync(yaml, templates, string.IsNullOrWhiteSpace(file) ? "journey.yaml" : Path.GetFileName(file), ct);
        if (!result.Published)
        {
            var errors = result.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()).ToList();
            return Invalid($"{errors.Count} error(s): {errors.FirstOrDefault()}", result.Diagnostics.Select(d => d.ToString()).ToList());
        }

        var stored = result.Journey!;
        var published = new Published(stored.Name, stored.Number, stored.Version, stored.Created, [.. result.Diagnostics.Where(d => !d.IsError).Select(d => d.ToString())]);
        return stored.Created ? TypedResults.Created($"/api/journeys/{stored.Name}", published) : TypedResults.Ok(published);
    }

    private static VersionView View(PublishedJourney p) => new(p.Number, p.Version, p.PublishedAt);

    private static ProblemHttpResult Invalid(string detail, IReadOnlyList<string> diagnostics) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid journey",
            extensions: new Dictionary<string, object?> { ["diagnostics"] = diagnostics });

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem($"a journey is at most {MaxJourneyBytes} bytes", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large");
}
