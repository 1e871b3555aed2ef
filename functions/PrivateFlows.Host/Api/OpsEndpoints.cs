using PrivateFlows.Host.Security;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Timers;

namespace PrivateFlows.Host.Api;

/// <summary>Poison inputs, engine status and the health probe.</summary>
public static class OpsEndpoints
{
    /// <param name="Erasure">Erased customers and the late events/timers dropped for them (also <c>GET /api/privacy</c>).</param>
    /// <param name="Result">processed, duplicate, dropped (customer erased) or parked (failed again: <paramref name="Error"/>).</param>
    public sealed record PoisonRetried(string Result, string? Error, PoisonInput? Poison);

    public sealed record EngineStatus(bool Ready, long Queued, int TimersInFlight, StoreStatus Store, ErasureCounters Erasure);

    public static void MapOpsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/poison", async (IPoisonInputs poison, CancellationToken ct, int? limit) =>
                TypedResults.Ok(await poison.ReadPoisonAsync(Math.Clamp(limit ?? 200, 1, 5000), ct)))
            .RequireAuthorization(Roles.Ops)
            .WithTags("ops")
            .WithSummary("Inputs (events, timers) that failed repeatedly, newest first, with the reason and state (parked, or resolved by a retry)");

        app.MapPost("/api/poison/{id}/retry", async Task<IResult> (string id, PoisonRetry retry, HttpContext http, CancellationToken ct) =>
            {
                var caller = $"{http.User.Identity?.Name ?? "anonymous"} ({http.Connection.RemoteIpAddress})";
                var result = await retry.RetryAsync(id, caller, ct);
                return result.Status switch
                {
                    PoisonRetryStatus.NotFound => Problems.NotFound("Unknown poison input", $"no parked input has the id {id}"),
                    PoisonRetryStatus.NotParked => Problems.Conflict("Not parked", result.Reason ?? "the input is not parked"),
                    PoisonRetryStatus.NotSupported => TypedResults.Problem(result.Reason, statusCode: StatusCodes.Status501NotImplemented, title: "Not supported by this store"),
                    _ => TypedResults.Ok(new PoisonRetried(result.Result?.ToString().ToLowerInvariant() ?? "processed", result.Reason, result.Poison)),
                };
            })
            .RequireAuthorization(Roles.Ops)
            .WithTags("ops")
            .WithSummary("Send a parked input through the normal path once more (after a fix): resolved when processed, parked again with the new reason when not")
            .Produces<PoisonRetried>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        app.MapGet("/api/status", async (IEngineStatus store, ICustomerErasure erasure, CustomerQueues queues, TimerService timers, CancellationToken ct) =>
                TypedResults.Ok(new EngineStatus(queues.Ready.IsCompletedSuccessfully, queues.Outstanding, timers.InFlight, await store.ReadStatusAsync(ct), await erasure.ReadErasureCountersAsync(ct))))
            .RequireAuthorization(Roles.Ops)
            .WithTags("ops")
            .WithSummary("Backlog, outboxes, timers, poison count and database size");

        app.MapGet("/healthz", async Task<IResult> (ITimerIndex store, CustomerQueues queues, CancellationToken ct) =>
            {
                try
                {
                    await store.ReadEarliestTimersAsync(1, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    return TypedResults.Problem(FaultText.Safe(e.Message), statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store unavailable");
                }

                return queues.Ready.IsCompletedSuccessfully
                    ? TypedResults.Ok(new { status = "healthy" })
                    : TypedResults.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .AllowAnonymous()
            .WithTags("ops")
            .WithSummary("Liveness and readiness");
    }
}
