using System.Collections.Immutable;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Host.Api;

/// <summary>
/// Marketers' and ops' numbers: journey statistics with A/B winners (<c>GET /api/journeys/{name}/stats</c>), the seed
/// KPIs (<c>GET /api/kpis</c>) and segments (<c>GET /api/segments</c>, <c>GET /api/segments/{name}/customers</c>).
/// Also maps the ops endpoints of <see cref="CustomerCareEndpoints"/>.
/// </summary>
public static class InsightsEndpoints
{
    public sealed record SegmentView(string Name, string Expression, string? Description);

    public sealed record SegmentMember(string CustomerId, string Lifecycle, RfmScore Rfm, string Tier, long Points);

    /// <param name="Skipped">Customers left out because their stored profile cannot be evaluated (logged with the reason).</param>
    public sealed record SegmentMembers(SegmentView Segment, RfmMode RfmMode, DateTimeOffset AsOf, int Count, IReadOnlyList<SegmentMember> Customers, string? Next, int Skipped = 0);

    public static void MapInsightsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/journeys/{name}/stats", async Task<Results<Ok<StatsView>, ProblemHttpResult>> (string name, JourneyInsights insights, CancellationToken ct) =>
            {
                var report = await insights.StatsAsync(name, ct);
                return report is null ? Problems.NotFound("Journey not found", $"no journey '{name}' is published") : TypedResults.Ok(StatsView.From(report));
            })
            .RequireAuthorization(Policies.MarketerOrOps)
            .WithTags("insights")
            .WithSummary("Funnel per version and variant (each step reached; of the others, how many took another path, are still in progress, converted earlier or dropped off), conversion with 95% intervals, holdout uplift, A/B winner and ROI");

        app.MapGet("/api/kpis", async (JourneyInsights insights, CancellationToken ct) =>
                TypedResults.Ok(KpiView.From(await insights.KpisAsync(ct))))
            .RequireAuthorization(Policies.MarketerOrOps)
            .WithTags("insights")
            .WithSummary("Activity, conversion, repurchase, 30-day retention, lifetime value by lifecycle stage and tier, ROI per journey");

        app.MapGet("/api/segments", (JourneyCatalog catalog) =>
                TypedResults.Ok(SegmentCatalog.All(catalog.Program).Select(s => new SegmentView(s.Name, s.Expression, s.Description))))
            .RequireAuthorization(Policies.MarketerOrOps)
            .WithTags("insights")
            .WithSummary("Named segments and the built-in lifecycle, RFM and tier segments");

        app.MapGet("/api/segments/{name}/customers", async Task<Results<Ok<SegmentMembers>, ProblemHttpResult>> (
                string name, CustomerDirectory customers, JourneyCatalog catalog, TimeProvider clock, CancellationToken ct, int? limit, string? after) =>
            {
                var now = clock.GetUtcNow();
                var readable = await customers.ReadableAsync(now, ct);
                var profiles = readable.Profiles;
                var program = customers.ProgramFor(profiles, now);
                if (SegmentCatalog.Find(name, program) is not { } segment) return Problems.NotFound("Segment not found", $"no segment '{name}' (see GET /api/segments)");
                var members = SegmentEvaluator.Members(segment, profiles, now, program).ToList();
                var page = members.Where(p => after is null || string.CompareOrdinal(p.CustomerId, after) > 0).Take(Math.Clamp(limit ?? 500, 1, 5000)).ToList();
                var next = page.Count > 0 && members.Count(p => after is null || string.CompareOrdinal(p.CustomerId, after) > 0) > page.Count ? page[^1].CustomerId : null;
                return TypedResults.Ok(new SegmentMembers(new SegmentView(segment.Name, segment.Expression, segment.Description), program.RfmMode, now, members.Count,
                    [.. page.Select(p => Member(p, now, program))], next, readable.Skipped.Count));
            })
            .RequireAuthorization(Policies.MarketerOrOps)
            .WithTags("insights")
            .WithSummary("The customers in a segment now (RFM by configured cut points, or by quintiles of the customer base)");

        app.MapCustomerCareEndpoints();
    }

    internal static SegmentMember Member(CustomerProfile p, DateTimeOffset now, CustomerProgram program) =>
        new(p.CustomerId, Lifecycle.Stage(p, now, program.Lifecycle), RfmScoring.Score(p, now, program.Rfm), p.Tier, p.Points);
}
