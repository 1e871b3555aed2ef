using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Timers;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Host.Api;

/// <summary>
/// The virtual clock (host started with <c>--clock virtual</c>): read it, move it forward. On the real clock both
/// answer 409 with a problem detail.
/// </summary>
public static class ClockEndpoints
{
    public sealed record ClockView(DateTimeOffset Now, string Mode, DateTimeOffset? NextTimer);

    public sealed record Advanced(DateTimeOffset Now, int TimersFired);

    public static void MapClockEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/clock").RequireAuthorization(Roles.Ops).WithTags("clock");

        group.MapGet("", async Task<Results<Ok<ClockView>, ProblemHttpResult>> (IServiceProvider services, ITimerIndex store, CancellationToken ct) =>
            {
                if (services.GetService<VirtualTime>() is not { } time) return RealClock();
                var next = (await store.ReadEarliestTimersAsync(1, ct)).FirstOrDefault();
                return TypedResults.Ok(new ClockView(time.Now, "virtual", next?.DueAt));
            })
            .WithSummary("The virtual clock: now, and when the next timer falls due")
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/advance", AdvanceAsync)
            .Accepts<JsonObject>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Move the virtual clock forward ({\"by\": \"P3D\" or \"3d\"} or {\"to\": \"<ISO time>\"}), firing every timer due on the way in due-time order; answers when all resulting work is committed");
    }

    private static async Task<Results<Ok<Advanced>, ProblemHttpResult>> AdvanceAsync(HttpRequest request, IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<VirtualTime>() is not { } time) return RealClock();

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, cancellationToken: ct) as JsonObject;
        }
        catch (JsonException e)
        {
            return Invalid("$", $"malformed JSON: {e.Message}");
        }

        if (body is null) return Invalid("$", "send a JSON object: {\"by\": \"P3D\"} or {\"to\": \"2026-03-05T02:00:00Z\"}");
        var by = Text(body, "by");
        var to = Text(body, "to");
        if ((by is null) == (to is null)) return Invalid("$", "give exactly one of by (a duration: P3D, PT2H, 3d, 1d12h) and to (an ISO 8601 instant)");

        try
        {
            if (by is not null)
            {
                // Zero ("0s", "PT0S") moves nothing but answers once everything already posted is committed.
                var span = TimeSpan.Zero;
                if (!IsZero(by) && !Duration.TryParse(by, out span)) return Invalid("by", $"'{by}' is not a duration: use ISO 8601 (P3D, PT2H30M) or 3d, 12h, 1d12h, 2w");
                return TypedResults.Ok(View(await time.AdvanceByAsync(span, ct)));
            }

            if (!DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var target))
            {
                return Invalid("to", $"'{to}' is not an ISO 8601 instant (e.g. 2026-03-05T02:00:00Z)");
            }

            return TypedResults.Ok(View(await time.AdvanceToAsync(target.ToUniversalTime(), ct)));
        }
        catch (ClockMovesForwardException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "The clock moves forward only",
                extensions: new Dictionary<string, object?> { ["field"] = "to", ["now"] = e.Now });
        }
    }

    private static bool IsZero(string duration) =>
        duration.Trim().TrimStart('P', 'T').TrimEnd('w', 'd', 'h', 'm', 's', 'W', 'D', 'H', 'M', 'S') is "0";

    private static Advanced View(AdvanceResult result) => new(result.Now, result.TimersFired);

    private static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

    private static ProblemHttpResult RealClock() =>
        Problems.Conflict("The host runs on the real clock", "the clock can only be read and moved in virtual clock mode: start the host with --clock virtual (PrivateFlows:Clock = Virtual)");

    private static ProblemHttpResult Invalid(string field, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid clock request",
            extensions: new Dictionary<string, object?> { ["field"] = field });
}
