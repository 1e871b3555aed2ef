using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Host.Api;

/// <summary>
/// A journey drawn as a graph with live counts per step (from the store's step index,
/// <see cref="IJourneyStatistics.CountInstancesByStepAsync"/>), and the counts of every journey.
/// </summary>
public static class JourneyGraphEndpoints
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

    public static IEndpointRouteBuilder MapJourneyGraphEndpoints(this IEndpointRouteBuilder app)
    {
        var group = DashboardEndpoints.Group(app);

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

        return app;
    }

    /// <summary>One version as a graph; <see cref="JourneyDraftEndpoints"/> draws an unpublished one with no counts.</summary>
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
}
