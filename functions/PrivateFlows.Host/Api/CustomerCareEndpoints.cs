using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Host.Api;

/// <summary>
/// Ops' answers about one customer and their rights: "why didn't she get it" (explain), points, segments, export
/// and erase (PIPL/GDPR), plus the referral rewards held for review and the erasure counters.
/// </summary>
public static class CustomerCareEndpoints
{
    public sealed record Expiring(long Points, DateTimeOffset At);

    public sealed record PointsView(string CustomerId, long Balance, string Tier, IReadOnlyList<PointsEntry> Entries, Expiring? Expiring, long Held);

    public sealed record CustomerSegments(string Lifecycle, RfmScore Rfm, string Tier, ImmutableArray<string> Segments);

    public sealed record ReviewRequest(string? Reason);

    public static void MapCustomerCareEndpoints(this IEndpointRouteBuilder app)
    {
        var customer = app.MapGroup("/api/customers/{customerId}").RequireAuthorization(Roles.Ops).WithTags("customers");

        customer.MapGet("/explain", async Task<Results<Ok<Explanation>, ProblemHttpResult>> (
            HttpContext http, string customerId, string? journey, string? step, IJourneyHistory journeyHistory, ICustomerDocuments customers, JourneyCatalog catalog, CancellationToken ct) =>
        {
            customerId = CustomerRoute.Id(http, customerId);
            if (string.IsNullOrWhiteSpace(journey)) return TypedResults.Problem("name the journey: ?journey=<name>[&step=<step id>]", statusCode: StatusCodes.Status400BadRequest, title: "Journey missing");
            var history = new List<HistoryEntry>();
            for (long after = 0; ;)
            {
                var page = await journeyHistory.ReadCustomerHistoryAsync(customerId, after, 5000, ct);
                history.AddRange(page.Entries);
                if (page.Next is not { } next) break;
                after = next;
            }

            if (history.Count == 0 && await customers.ReadCustomerAsync(customerId, ct) is null) return NotFound(customerId);
            if (!catalog.Published.ContainsKey(journey) && history.All(h => h.Journey != journey)) return Problems.NotFound("Journey not found", $"no journey '{journey}' is published");
            return TypedResults.Ok(Explainer.Explain(history, journey, string.IsNullOrWhiteSpace(step) ? null : step));
        }).WithSummary("Why did (or didn't) the customer get a journey's step: not entered, waiting, suppressed, held out, exited … with the history lines that prove it");

        customer.MapGet("/points", async Task<Results<Ok<PointsView>, ProblemHttpResult>> (HttpContext http, string customerId, ICustomerDocuments customers, ICustomerLedgers ledgers, CancellationToken ct) =>
        {
            customerId = CustomerRoute.Id(http, customerId);
            var document = await customers.ReadCustomerAsync(customerId, ct);
            var entries = await ledgers.ReadPointsAsync(customerId, ct);
            if (document is null && entries.Count == 0) return NotFound(customerId);
            var profile = document?.State.Profile;
            var loyalty = profile?.Loyalty;
            var expiring = loyalty?.NextExpiry is { } at ? new Expiring(loyalty.ExpiringAt(at), at) : null;
            return TypedResults.Ok(new PointsView(customerId, profile?.Points ?? 0, profile?.Tier ?? "member", entries, expiring,
                entries.Where(e => e.Status == PointsStatus.Held).Sum(e => e.Points)));
        }).WithSummary("Points balance, tier, the ledger (oldest first) and the next points to expire");

        customer.MapGet("/segments", async Task<Results<Ok<CustomerSegments>, ProblemHttpResult>> (
            HttpContext http, string customerId, ICustomerDocuments store, JourneyCatalog catalog, TimeProvider clock, CancellationToken ct) =>
        {
            customerId = CustomerRoute.Id(http, customerId);
            var document = await store.ReadCustomerAsync(customerId, ct);
            if (document is null) return NotFound(customerId);
            var now = clock.GetUtcNow();
            var program = catalog.Program; // in quintile mode its cut points are refreshed from the customer base in the background
            var profile = document.State.Profile;
            var builtIn = SegmentCatalog.All(program).Where(s => !program.Segments.Any(n => n.Name == s.Name))
                .Where(s => SegmentEvaluator.IsMember(s, profile, now, program)).Select(s => s.Name);
            return TypedResults.Ok(new CustomerSegments(Lifecycle.Stage(profile, now, program.Lifecycle), RfmScoring.Score(profile, now, program.Rfm), profile.Tier,
                [.. SegmentEvaluator.Memberships(profile, now, program), .. builtIn]));
        }).WithSummary("The customer's lifecycle stage, RFM score, named and built-in segments now (as decisions see them)");

        customer.MapGet("/export", async Task<Results<Ok<CustomerExport>, ProblemHttpResult>> (HttpContext http, string customerId, CustomerPrivacy privacy, CancellationToken ct) =>
            await privacy.ExportAsync(customerId = CustomerRoute.Id(http, customerId), ct) is { } export ? TypedResults.Ok(export) : NotFound(customerId))
            .WithSummary("Everything held about the customer as one JSON document (PIPL/GDPR access and portability)");

        customer.MapDelete("", async Task<Results<NoContent, ProblemHttpResult>> (HttpContext http, string customerId, CustomerPrivacy privacy, CancellationToken ct) =>
            (await privacy.EraseAsync(customerId = CustomerRoute.Id(http, customerId), ct)).Erased ? TypedResults.NoContent() : NotFound(customerId))
            .WithSummary("Erase the customer (PIPL/GDPR): running instances cancelled, everything deleted, statistics kept anonymous, a tombstone drops late events");

        var referrals = app.MapGroup("/api/referrals").RequireAuthorization(Roles.Ops).WithTags("referrals");

        referrals.MapGet("/held", async (ReferralReviews reviews, CancellationToken ct) => TypedResults.Ok(await reviews.HeldAsync(ct)))
            .WithSummary("Referral rewards held by the anti-fraud rules, oldest first, with the reasons");

        referrals.MapPost("/{rewardId}/approve", (string rewardId, ReviewRequest? body, ReferralReviews reviews, CancellationToken ct) => DecideAsync(rewardId, true, body, reviews, ct))
            .WithSummary("Pay a held referral reward (publishes referral.reward_approved for the referee)");

        referrals.MapPost("/{rewardId}/reject", (string rewardId, ReviewRequest? body, ReferralReviews reviews, CancellationToken ct) => DecideAsync(rewardId, false, body, reviews, ct))
            .WithSummary("Refuse a held referral reward (publishes referral.reward_rejected for the referee)");

        app.MapGet("/api/privacy", async (ICustomerErasure erasure, CancellationToken ct) => TypedResults.Ok(await erasure.ReadErasureCountersAsync(ct)))
            .RequireAuthorization(Roles.Ops)
            .WithTags("ops")
            .WithSummary("Erased customers (tombstones) and the late events and timers dropped for them");
    }

    private static async Task<Results<Accepted<ReviewResult>, ProblemHttpResult>> DecideAsync(string rewardId, bool approve, ReviewRequest? body, ReferralReviews reviews, CancellationToken ct)
    {
        rewardId = Uri.UnescapeDataString(rewardId); // reward ids hold slashes: clients send them as %2F, which routing keeps encoded
        var result = await reviews.DecideAsync(rewardId, approve, body?.Reason, ct);
        return result.Outcome switch
        {
            ReviewStatus.Published => TypedResults.Accepted((string?)null, result),
            ReviewStatus.NotHeld => Problems.Conflict("Reward not held", $"reward '{rewardId}' is {result.Status?.ToString().ToLowerInvariant()}, not held for review"),
            _ => Problems.NotFound("Reward not found", $"no referral reward '{rewardId}'"),
        };
    }

    private static ProblemHttpResult NotFound(string customerId) => Problems.NotFound("Customer not found", $"no customer '{customerId}'");
}
