using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Simulation;
using PrivateFlows.Workflows.Templates;
using static PrivateFlows.Host.Api.JourneyGraphEndpoints;

namespace PrivateFlows.Host.Api;

/// <summary>
/// Trying a journey before publishing it: validation of unpublished YAML with structured diagnostics (and its graph),
/// simulation of a customer through it on a virtual clock, and the example customers shipped with the built-in journeys.
/// </summary>
public static class JourneyDraftEndpoints
{
    public sealed record DiagnosticView(string Path, int Line, int Column, string Severity, string Code, string Message, string Text);

    public sealed record ValidateRequest(string? Yaml, string? File, IReadOnlyList<JourneyEndpoints.TemplateInput>? Templates);

    public sealed record ValidateResult(bool Valid, string? Journey, string? Version, int? SameAsNumber, IReadOnlyList<DiagnosticView> Diagnostics, JourneyGraphView? Graph);

    public sealed record SimulateRequest(string? Yaml, string? Journey, string? Version, JsonNode? Profile, JsonNode? Events, string? Until, bool WithOtherJourneys);

    public sealed record SimulatedMessage(string InstanceId, string Journey, string Step, string Channel, string Category, string Template, string Locale, string? Subject, string Body);

    public sealed record SimulatedInstance(string InstanceId, string Journey, string Version, string Status, string? Outcome, string? Step, string? Variant, DateTimeOffset StartedAt, DateTimeOffset? EndedAt);

    public sealed record SimulateResult(
        string CustomerId,
        string TimeZone,
        IReadOnlyList<string> Journeys,
        DateTimeOffset? Until,
        IReadOnlyList<TimelineEntry> Timeline,
        IReadOnlyList<SimulatedMessage> Messages,
        IReadOnlyList<SimulatedInstance> Instances,
        long Points,
        IReadOnlyList<string> Tags,
        IReadOnlyList<DiagnosticView> Diagnostics);

    public sealed record Example(string Journey, string Customer, string Events);

    public static IEndpointRouteBuilder MapJourneyDraftEndpoints(this IEndpointRouteBuilder app)
    {
        var group = DashboardEndpoints.Group(app);

        group.MapPost("/validate", Results<Ok<ValidateResult>, ProblemHttpResult> (ValidateRequest body, JourneyCatalog catalog, IOptions<JourneyOptions> options) =>
            {
                if (body.Yaml is null) return TypedResults.Problem("yaml is required", statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");
                var loaded = Load(body.Yaml, body.File, body.Templates, catalog, options.Value);
                var diagnostics = loaded.Diagnostics.Select(View).ToList();
                var version = loaded.Journeys.FirstOrDefault();
                if (version is null) return TypedResults.Ok(new ValidateResult(false, null, null, null, diagnostics, null));
                var same = catalog.Published.GetValueOrDefault(version.Name, []).FirstOrDefault(v => v.Version == version.Version);
                return TypedResults.Ok(new ValidateResult(true, version.Name, version.Version, same?.Number, diagnostics,
                    Graph(version.Definition, version.Version, same?.Number ?? 0, false, [], DateTimeOffset.UnixEpoch)));
            })
            .RequireAuthorization(Roles.Marketer)
            .WithSummary("Validate journey YAML without publishing: diagnostics with line and column, and the graph when valid");

        group.MapPost("/simulate", Results<Ok<SimulateResult>, ProblemHttpResult> (SimulateRequest body, JourneyCatalog catalog, IOptions<JourneyOptions> options) =>
                Simulate(body, catalog, options.Value))
            .RequireAuthorization(Roles.Marketer)
            .WithSummary("Run a customer through a journey (unpublished YAML or a published version) on a virtual clock");

        group.MapGet("/examples", (IOptions<JourneyOptions> options) => TypedResults.Ok(Examples(options.Value)))
            .RequireAuthorization(Policies.MarketerOrOps)
            .WithSummary("Example customer profiles and event timelines shipped with the built-in journeys");

        return app;
    }

    private static LoadResult Load(string yaml, string? file, IReadOnlyList<JourneyEndpoints.TemplateInput>? given, JourneyCatalog catalog, JourneyOptions options)
    {
        // The same templates a publish would see: the built-in folder's, then the latest published ones, then the given ones.
        var byKey = new Dictionary<(string, string), TemplateSource>();
        var folder = BuiltInFolder(options);
        if (folder is not null)
        {
            foreach (var t in JourneyLoader.ReadTemplates(Path.Combine(folder, JourneyLoader.TemplateFolder))) byKey[(t.Name, t.Locale)] = t;
        }

        foreach (var t in catalog.Latest.SelectMany(v => v.Templates.Values).SelectMany(l => l.Values)) byKey[(t.Name, t.Locale)] = t;
        foreach (var t in given ?? []) byKey[(t.Name, t.Locale)] = new TemplateSource(t.Name, t.Locale, t.Text, $"{t.Name}.{t.Locale}.sbn");
        return JourneyLoader.Load(string.IsNullOrWhiteSpace(file) ? "journey.yaml" : Path.GetFileName(file), yaml, byKey.Values);
    }

    private static DiagnosticView View(Diagnostic d) =>
        new(d.Path, d.At.Line, d.At.Column, d.IsError ? "error" : "warning", d.Code, d.Message, d.ToString());

    private static Results<Ok<SimulateResult>, ProblemHttpResult> Simulate(SimulateRequest body, JourneyCatalog catalog, JourneyOptions options)
    {
        JourneyVersion? journey;
        var diagnostics = new List<DiagnosticView>();
        if (!string.IsNullOrWhiteSpace(body.Yaml))
        {
            var loaded = Load(body.Yaml, null, null, catalog, options);
            diagnostics.AddRange(loaded.Diagnostics.Select(View));
            journey = loaded.Journeys.FirstOrDefault();
            if (journey is null)
            {
                return TypedResults.Problem($"the journey has {diagnostics.Count(d => d.Severity == "error")} error(s)", statusCode: StatusCodes.Status400BadRequest, title: "Invalid journey",
                    extensions: new Dictionary<string, object?> { ["diagnostics"] = diagnostics.Select(d => d.Text).ToList() });
            }
        }
        else if (!string.IsNullOrWhiteSpace(body.Journey) && catalog.Published.TryGetValue(body.Journey, out var versions) && !versions.IsEmpty)
        {
            var chosen = string.IsNullOrWhiteSpace(body.Version) ? versions[^1]
                : versions.FirstOrDefault(v => v.Version == body.Version || v.Number.ToString(CultureInfo.InvariantCulture) == body.Version);
            journey = chosen is null ? null : catalog.Find(chosen.Version);
            if (journey is null) return Problems.NotFound("Version not found", $"journey '{body.Journey}' has no version '{body.Version}'");
        }
        else
        {
            return Invalid("yaml", "give the journey as yaml, or the name of a published journey");
        }

        CustomerProfile profile;
        try
        {
            var json = body.Profile switch
            {
                null => null,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                var node => node.ToJsonString(),
            };
            if (string.IsNullOrWhiteSpace(json)) return Invalid("profile", "a customer profile (JSON with customerId) is required");
            profile = CustomerProfileReader.Read(json);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return Invalid("profile", e.Message);
        }

        var events = new List<CustomerEvent>();
        var lines = body.Events switch
        {
            null => [],
            JsonArray array => array.Select(n => n?.ToJsonString() ?? "").ToList(),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Split('\n').ToList(),
            _ => null,
        };
        if (lines is null) return Invalid("events", "events are CloudEvents JSON lines (a string) or a JSON array of events");
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var read = CloudEventReader.Read(line);
            if (!read.Ok) return Invalid("events", $"line {i + 1}: {read.Field}: {read.Error}");
            events.Add(read.Event!);
        }

        DateTimeOffset? until = null;
        if (!string.IsNullOrWhiteSpace(body.Until))
        {
            var text = body.Until.Trim();
            if (text.StartsWith('+') && Duration.TryParse(text[1..], out var after)) until = (events.Count == 0 ? DateTimeOffset.UnixEpoch : events.Max(e => e.Time)) + after;
            else if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) until = at;
            else return Invalid("until", $"'{text}' is neither an ISO time nor +<duration> (e.g. +30d)");
        }

        if (events.Count > 10_000) return Invalid("events", "at most 10000 events");
        var journeys = new List<JourneyVersion> { journey };
        if (body.WithOtherJourneys) journeys.AddRange(catalog.Latest.Where(j => j.Name != journey.Name));
        var result = Simulator.Run(journeys, profile, events, until, catalog.Policy);
        var state = result.FinalState;
        var messages = result.Effects.OfType<SendMessage>()
            .Select(m => new SimulatedMessage(m.InstanceId, m.Journey, m.StepId, m.Channel, m.Category.ToString().ToLowerInvariant(), m.Template, m.Locale, m.Subject, m.Body))
            .ToList();
        var instances = state.Instances
            .Select(i => new SimulatedInstance(i.InstanceId, i.Journey, i.Version, i.Status.ToString().ToLowerInvariant(), i.Outcome?.ToString().ToLowerInvariant(), i.StepId, i.Variant, i.StartedAt, i.EndedAt))
            .ToList();
        return TypedResults.Ok(new SimulateResult(profile.CustomerId, profile.TimeZone, [.. journeys.Select(j => j.Name)], until, result.Timeline, messages, instances,
            state.Profile.Points, [.. state.Profile.Tags], diagnostics));
    }

    private static ProblemHttpResult Invalid(string field, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid simulation",
            extensions: new Dictionary<string, object?> { ["field"] = field });

    private static List<Example> Examples(JourneyOptions options)
    {
        var folder = BuiltInFolder(options);
        var examples = folder is null ? null : Path.Combine(folder, "examples");
        if (examples is null || !Directory.Exists(examples)) return [];
        return [.. Directory.EnumerateFiles(examples, "*.customer.json")
            .Order(StringComparer.Ordinal)
            .Select(file =>
            {
                var name = Path.GetFileName(file)[..^".customer.json".Length];
                var events = Path.Combine(examples, name + ".events.jsonl");
                return new Example(name, File.ReadAllText(file), File.Exists(events) ? File.ReadAllText(events) : "");
            })];
    }

    private static string? BuiltInFolder(JourneyOptions options) =>
        string.IsNullOrWhiteSpace(options.Path) ? null : Path.GetFullPath(options.Path, AppContext.BaseDirectory);
}
