using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Telemetry;
using PrivateFlows.Runtime.Timers;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Simulation;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Host.Api;

/// <summary>
/// The web dashboard (static files in <c>wwwroot/</c>, served at <c>/</c>) and the few read-only endpoints only it
/// needs: a journey drawn as a graph with live counts per step (from the store's step index,
/// <see cref="IJourneyStatistics.CountInstancesByStepAsync"/>), validation with structured diagnostics, simulation of
/// unpublished YAML, example inputs, timers due, throughput and the host's time. Same roles as the rest of the API.
/// </summary>
public static class DashboardEndpoints
{
    public sealed record GraphNode(string Id, string Kind, string Label, string Detail, int? Line, bool Waits, long Count, long Faulted, long AllVersions);

    public sealed record GraphEdge(string From, string To, string? Label, string Kind);

    public sealed record GraphGoal(string Event, string Within, string? Condition);

    public sealed record GraphExit(string Event, string? Condition);

    public sealed record JourneyGraphView(
        string Journey,
        string? Title,
        string? Description,
        string? Version,
        int Number,
        bool Latest,
        string Entry,
        string Reentry,
        GraphGoal? Goal,
        IReadOnlyList<GraphExit> Exits,
        IReadOnlyList<GraphNode> Nodes,
        IReadOnlyList<GraphEdge> Edges,
        CountsInfo Counts);

    /// <summary>The live counts' totals for the version drawn (in-flight instances, from the store's step index).</summary>
    public sealed record CountsInfo(DateTimeOffset At, long Active, long Faulted);

    public sealed record StepCount(string Journey, string Version, string? Step, long Active, long Faulted);

    public sealed record CountsView(DateTimeOffset At, IReadOnlyList<StepCount> Steps);

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

    public sealed record TimersView(DateTimeOffset Now, long Total, IReadOnlyList<DueTimer> Timers);

    /// <summary>The host's now (the virtual clock's when it runs one), which the dashboard measures "in 2 days" and "3 hours ago" from.</summary>
    public sealed record HostTime(DateTimeOffset Now, string Mode);

    /// <summary>Maps the static dashboard and its endpoints (one line in <c>Program.cs</c>).</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Small files, changed with the app: always revalidate so a new build is picked up at once.
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-cache",
        });

        var throughput = new ThroughputMonitor(app.Services.GetRequiredService<IMeterFactory>());
        app.Lifetime.ApplicationStopping.Register(throughput.Dispose);

        var group = app.MapGroup("/api/dashboard").WithTags("dashboard");

        group.MapGet("/clock", (TimeProvider clock, IServiceProvider services) =>
                TypedResults.Ok(new HostTime(clock.GetUtcNow(), services.GetService<VirtualTime>() is null ? "real" : "virtual")))
            .RequireAuthorization(Policies.MarketerOrOps)
            .WithSummary("The host's time (virtual or real): what the dashboard's relative times are measured from");

        group.MapGet("/journeys/{name}/graph", async Task<Results<Ok<JourneyGraphView>, ProblemHttpResult>> (string name, string? version, JourneyCatalog catalog, IJourneyStatistics store, TimeProvider clock, CancellationToken ct) =>
            {
                if (!catalog.Published.TryGetValue(name, out var versions) || versions.IsEmpty) return Problems.NotFound("Journey not found", $"no journey '{name}'");
                var chosen = string.IsNullOrWhiteSpace(version) ? versions[^1]
                    : versions.FirstOrDefault(v => v.Version == version || v.Number.ToString(CultureInfo.InvariantCulture) == version);
                if (chosen is null) return Problems.NotFound("Version not found", $"journey '{name}' has no version '{version}'");
                var definition = catalog.Find(chosen.Version)?.Definition;
                if (definition is null) return Problems.NotFound("Version not loaded", $"version {chosen.Number} of '{name}' is not loaded");
                var counts = await store.CountInstancesByStepAsync(name, null, ct); // every version: the graph also shows all versions' counts
                return TypedResults.Ok(Graph(definition, chosen.Version, chosen.Number, chosen.Version == versions[^1].Version, counts, clock.GetUtcNow()));
            })
            .RequireAuthorization(Policies.MarketerOrOps)
            .WithSummary("A journey version as a graph (nodes with kind, label, source line and live counts; labelled edges)");

        group.MapGet("/counts", async (JourneyCatalog catalog, IJourneyStatistics store, TimeProvider clock, CancellationToken ct) =>
            {
                var steps = new List<StepCount>();
                foreach (var journey in catalog.Published.Keys.Order(StringComparer.Ordinal))
                {
                    var counts = await store.CountInstancesByStepAsync(journey, null, ct);
                    steps.AddRange(counts.Select(c => new StepCount(c.Journey, c.Version, c.Step, c.Active, c.Faulted)));
                }

                return TypedResults.Ok(new CountsView(clock.GetUtcNow(), steps));
            })
            .RequireAuthorization(Policies.MarketerOrOps)
            .WithSummary("Active and faulted instances per journey, version and current step (live counts)");

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

        group.MapGet("/timers", async (IEngineStatus engine, ITimerIndex timerIndex, TimeProvider clock, CancellationToken ct, int? limit) =>
            {
                var status = await engine.ReadStatusAsync(ct);
                var timers = await timerIndex.ReadEarliestTimersAsync(Math.Clamp(limit ?? 50, 1, 1000), ct);
                return TypedResults.Ok(new TimersView(clock.GetUtcNow(), status.Timers, timers));
            })
            .RequireAuthorization(Roles.Ops)
            .WithSummary("The earliest timers in the index (soonest first) and how many there are");

        group.MapGet("/throughput", () => TypedResults.Ok(throughput.Read()))
            .RequireAuthorization(Roles.Ops)
            .WithSummary("Inputs processed, parked (errors), events accepted and sends per 10-second bucket over the last 15 minutes");

        return app;
    }

    // ── graph ──────────────────────────────────────────────────────────────

    internal static JourneyGraphView Graph(JourneyDefinition journey, string? version, int number, bool latest, IReadOnlyList<InstanceStepCount> counts, DateTimeOffset countedAt)
    {
        var nodes = new List<GraphNode>();
        var edges = new List<GraphEdge>();
        var extra = new List<GraphNode>();
        const string Entry = "__entry", End = "__end", Holdout = "__holdout";

        long CountOf(string? step, bool faulted, bool anyVersion) => counts
            .Where(c => c.Journey == journey.Name && c.Step == step && (anyVersion || c.Version == version))
            .Sum(c => faulted ? c.Faulted : c.Active);

        var entryLabel = string.Join(" / ", journey.Entry.Events);
        nodes.Add(new GraphNode(Entry, "entry", "entry", entryLabel, journey.Entry.At.Line > 0 ? journey.Entry.At.Line : null, false, 0, 0, 0));
        if (!journey.Steps.IsEmpty) edges.Add(new GraphEdge(Entry, journey.Steps[0].Id, null, "next"));
        var ends = false;
        foreach (var step in journey.Steps)
        {
            var label = JourneyGraph.Label(step);
            var detail = label.StartsWith(step.Id + ": ", StringComparison.Ordinal) ? label[(step.Id.Length + 2)..] : label;
            nodes.Add(new GraphNode(step.Id, step.Kind, label, detail, step.At.Line > 0 ? step.At.Line : null, step.Waits,
                CountOf(step.Id, false, false), CountOf(step.Id, true, false), CountOf(step.Id, false, true)));
            switch (step)
            {
                case BranchStep branch:
                    foreach (var c in branch.Cases) edges.Add(new GraphEdge(step.Id, c.Next, c.When ?? "else", c.When is null ? "else" : "case"));
                    if (branch.Cases.All(c => c.When is not null)) Next(step, journey.DefaultNext(step), "else", "else");
                    break;
                case SplitStep split:
                    if (split.Holdout > 0)
                    {
                        if (extra.All(n => n.Id != Holdout)) extra.Add(new GraphNode(Holdout, "holdout", "holdout", "holdout", null, false, 0, 0, 0));
                        edges.Add(new GraphEdge(step.Id, Holdout, $"holdout {split.Holdout}%", "holdout"));
                    }

                    foreach (var v in split.Variants) edges.Add(new GraphEdge(step.Id, v.Next, $"{v.Name} {v.Weight}%", "variant"));
                    break;
                case WaitForStep waitFor:
                    Next(step, journey.DefaultNext(step), waitFor.Event, "event");
                    edges.Add(new GraphEdge(step.Id, waitFor.OnTimeout, $"timeout {Duration.Format(waitFor.Timeout)}", "timeout"));
                    break;
                case EndStep:
                    break;
                default:
                    Next(step, journey.DefaultNext(step), null, "next");
                    break;
            }
        }

        if (ends) extra.Add(new GraphNode(End, "done", "end", "end", null, false, 0, 0, 0));
        nodes.AddRange(extra);

        // Instances whose step is unknown to this version (e.g. between steps) still count in the totals.
        var active = counts.Where(c => c.Journey == journey.Name && c.Version == version).Sum(c => c.Active);
        var faulted = counts.Where(c => c.Journey == journey.Name && c.Version == version).Sum(c => c.Faulted);
        return new JourneyGraphView(
            journey.Name,
            journey.Title,
            journey.Description,
            version,
            number,
            latest,
            entryLabel + (journey.Entry.Condition is null ? "" : $" when {journey.Entry.Condition}") + (journey.Entry.Segment is null ? "" : $" in segment {journey.Entry.Segment}"),
            journey.Entry.Reentry.ToString(),
            journey.Goal is { } g ? new GraphGoal(g.Event, Duration.Format(g.Within), g.Condition) : null,
            [.. journey.Exits.Select(e => new GraphExit(e.Event, e.Condition))],
            nodes,
            edges,
            new CountsInfo(countedAt, active, faulted));

        void Next(Step from, string? to, string? label, string kind)
        {
            if (to is null) ends = true;
            edges.Add(new GraphEdge(from.Id, to ?? End, label, kind));
        }
    }

    // ── validate and simulate ──────────────────────────────────────────────

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

    // ── throughput ─────────────────────────────────────────────────────────

    public sealed record ThroughputBucket(DateTimeOffset At, long Processed, long Parked, long Events, long Timers, long Accepted, long Sends, long SendFailures);

    public sealed record ThroughputView(DateTimeOffset Now, int BucketSeconds, DateTimeOffset Since, IReadOnlyList<ThroughputBucket> Buckets,
        double ProcessedPerSecond, double ErrorRate, long ProcessedTotal, long ParkedTotal, long SendsTotal, long SendFailuresTotal);

    /// <summary>Listens to the runtime's own meter (this app's <see cref="IMeterFactory"/> only) and keeps 10-second buckets.</summary>
    internal sealed class ThroughputMonitor : IDisposable
    {
        public const int BucketSeconds = 10;
        public const int Buckets = 90;
        private readonly MeterListener _listener = new();
        private readonly object _gate = new();
        private readonly long[,] _buckets = new long[Buckets, 7];
        private readonly long[] _stamps = new long[Buckets];
        private readonly DateTimeOffset _since = DateTimeOffset.UtcNow;
        private readonly long[] _totals = new long[4];

        public ThroughputMonitor(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RuntimeMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory)
                    && instrument.Name is "privateflows.inputs.processed" or "privateflows.events.accepted" or "privateflows.sends")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                switch (instrument.Name)
                {
                    case "privateflows.inputs.processed":
                        var result = Tag(tags, "result");
                        if (result is "duplicate" or "flushed") return;
                        var parked = result == "parked";
                        Add(0, value);
                        if (parked) Add(1, value);
                        if (Tag(tags, "kind") == "event") Add(2, value);
                        if (Tag(tags, "kind") == "timer") Add(3, value);
                        break;
                    case "privateflows.events.accepted":
                        Add(4, value);
                        break;
                    case "privateflows.sends":
                        Add(5, value);
                        if (Tag(tags, "outcome") == "failed") Add(6, value);
                        break;
                }
            });
            _listener.Start();
        }

        private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
        {
            foreach (var t in tags)
            {
                if (t.Key == name) return t.Value?.ToString();
            }

            return null;
        }

        private void Add(int column, long value)
        {
            var slot = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / BucketSeconds;
            lock (_gate)
            {
                var i = (int)(slot % Buckets);
                if (_stamps[i] != slot)
                {
                    _stamps[i] = slot;
                    for (var c = 0; c < 7; c++) _buckets[i, c] = 0;
                }

                _buckets[i, column] += value;
                switch (column)
                {
                    case 0: _totals[0] += value; break;
                    case 1: _totals[1] += value; break;
                    case 5: _totals[2] += value; break;
                    case 6: _totals[3] += value; break;
                }
            }
        }

        public ThroughputView Read()
        {
            var now = DateTimeOffset.UtcNow;
            var current = now.ToUnixTimeSeconds() / BucketSeconds;
            var list = new List<ThroughputBucket>(Buckets);
            lock (_gate)
            {
                for (var slot = current - Buckets + 1; slot <= current; slot++)
                {
                    var i = (int)(slot % Buckets);
                    var at = DateTimeOffset.FromUnixTimeSeconds(slot * BucketSeconds);
                    list.Add(_stamps[i] == slot
                        ? new ThroughputBucket(at, _buckets[i, 0], _buckets[i, 1], _buckets[i, 2], _buckets[i, 3], _buckets[i, 4], _buckets[i, 5], _buckets[i, 6])
                        : new ThroughputBucket(at, 0, 0, 0, 0, 0, 0, 0));
                }

                // Rate over the last minute (six full buckets before the current one), error rate over the window.
                var lastMinute = list.Skip(Buckets - 7).Take(6).Sum(b => b.Processed);
                var processed = list.Sum(b => b.Processed);
                var failed = list.Sum(b => b.Parked) + list.Sum(b => b.SendFailures);
                var attempts = processed + list.Sum(b => b.Sends);
                return new ThroughputView(now, BucketSeconds, _since, list, lastMinute / 60.0, attempts == 0 ? 0 : (double)failed / attempts,
                    _totals[0], _totals[1], _totals[2], _totals[3]);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
