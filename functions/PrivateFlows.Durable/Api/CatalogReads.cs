using Microsoft.AspNetCore.Mvc;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Durable.Api;

/// <summary>A journey version as the local host lists it; shipped versions have no publish time (null, shown as "—").</summary>
public sealed record VersionView(int Number, string Version, DateTimeOffset? PublishedAt);

public sealed record JourneySummary(string Name, string? Title, string? Description, VersionView Latest, int Versions);

public sealed record VersionDetail(int Number, string Version, DateTimeOffset? PublishedAt, string Yaml, IReadOnlyList<string> Templates);

public sealed record JourneyDetail(string Name, string? Title, IReadOnlyList<VersionDetail> Versions);

public sealed record SegmentView(string Name, string Expression, string? Description);

public sealed record SegmentMember(string CustomerId, string Lifecycle, RfmScore Rfm, string Tier, long Points);

public sealed record SegmentMembers(SegmentView Segment, RfmMode RfmMode, DateTimeOffset AsOf, int Count, IReadOnlyList<SegmentMember> Customers, string? Next);

/// <summary>
/// What marketers read in Azure: the journeys the app runs (the shipped ones new customers enter, <c>GET /api/journeys</c>,
/// <c>GET /api/journeys/{name}</c>; journeys are published by deploying the app, so each lists the one version it ships)
/// and segments with their members (<c>GET /api/segments</c>, <c>GET /api/segments/{name}/customers</c>), same JSON as
/// the local host.
/// </summary>
public sealed class CatalogReads(ShippedJourneys journeys, CustomerBase customers, TimeProvider clock)
{
    public IActionResult Journeys() => ApiResponse.Ok(Running().Select(v =>
        new JourneySummary(v.Name, v.Definition.Title, v.Definition.Description, new VersionView(v.Number, v.Version, null), 1)).ToList());

    public IActionResult Journey(string name)
    {
        if (Running().FirstOrDefault(v => v.Name == name) is not { } v) return ApiResponse.NotFound("Journey not found", $"no journey '{name}'");
        var templates = v.Templates.SelectMany(t => t.Value.Keys.Select(locale => $"{t.Key}.{locale}")).ToList();
        return ApiResponse.Ok(new JourneyDetail(v.Name, v.Definition.Title, [new VersionDetail(v.Number, v.Version, null, v.Yaml, templates)]));
    }

    public IActionResult Segments() =>
        ApiResponse.Ok(SegmentCatalog.All(customers.Program).Select(s => new SegmentView(s.Name, s.Expression, s.Description)).ToList());

    public async Task<IActionResult> SegmentCustomersAsync(string name, int? limit, string? after, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var profiles = await customers.AllAsync(cancellationToken).ConfigureAwait(false);
        var program = customers.ProgramFor(profiles, now);
        if (SegmentCatalog.Find(name, program) is not { } segment) return ApiResponse.NotFound("Segment not found", $"no segment '{name}' (see GET /api/segments)");
        var members = SegmentEvaluator.Members(segment, profiles, now, program).ToList();
        var rest = members.Where(p => after is null || string.CompareOrdinal(p.CustomerId, after) > 0).ToList();
        var page = rest.Take(Math.Clamp(limit ?? 500, 1, 5000)).ToList();
        var next = page.Count > 0 && rest.Count > page.Count ? page[^1].CustomerId : null;
        return ApiResponse.Ok(new SegmentMembers(new SegmentView(segment.Name, segment.Expression, segment.Description), program.RfmMode, now, members.Count,
            [.. page.Select(p => Member(p, now, program))], next));
    }

    private IEnumerable<JourneyVersion> Running() => journeys.Latest.Select(journeys.Find).OfType<JourneyVersion>();

    private static SegmentMember Member(CustomerProfile p, DateTimeOffset now, CustomerProgram program) =>
        new(p.CustomerId, Lifecycle.Stage(p, now, program.Lifecycle), RfmScoring.Score(p, now, program.Rfm), p.Tier, p.Points);
}
