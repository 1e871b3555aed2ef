using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Host.Events;

/// <summary><c>POST /api/events</c>: one CloudEvent, or a batch as <c>application/cloudevents-batch+json</c>.</summary>
public static class EventEndpoints
{
    public static void MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events", AcceptAsync)
            .RequireAuthorization(Roles.Producer)
            .WithTags("events")
            .WithSummary("Publish customer events (CloudEvents 1.0 structured JSON; subject = customer id, id = dedupe key)")
            .WithDescription(EventBounds.Summary)
            .Accepts<JsonObject>(EventRequestReader.SingleContentType, "application/json", EventRequestReader.BatchContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        app.MapGet("/api/events/unknown-types", (KnownEventTypes types) => TypedResults.Ok(types.Seen))
            .RequireAuthorization(Roles.Ops)
            .WithTags("events")
            .WithSummary("Event types no contract or published journey knows, with how many events had each since start-up (typos of producers)");
    }

    /// <param name="Warnings">One per event of a type nothing knows (absent when there are none).</param>
    public sealed record AcceptedEvents(IReadOnlyList<string> Accepted, IReadOnlyList<string> Duplicates, IReadOnlyList<EventTypeWarning>? Warnings = null);

    private static async Task<Results<Accepted<AcceptedEvents>, ProblemHttpResult>> AcceptAsync(
        HttpRequest request, EventContract contract, KnownEventTypes types, EventIngest ingest, IOptions<IngestOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!EventRequestReader.IsJson(request.ContentType))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, new FieldError("$", $"send {EventRequestReader.SingleContentType}, {EventRequestReader.PlainJsonContentType} or {EventRequestReader.BatchContentType} (UTF-8)"));
        }

        var body = await EventRequestReader.ReadAsync(request, settings.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body.Error is not null) return Problem(body.Status, body.Error);

        var now = clock.GetUtcNow();
        var events = new List<CustomerEvent>();
        if (body.Json is JsonArray batch)
        {
            if (batch.Count == 0) return Problem(StatusCodes.Status400BadRequest, new FieldError("$", "the batch is empty"));
            if (batch.Count > settings.MaxBatchEvents) return Problem(StatusCodes.Status413PayloadTooLarge, new FieldError("$", $"a batch holds at most {settings.MaxBatchEvents} events"));
            for (var i = 0; i < batch.Count; i++)
            {
                var (e, error) = Read(batch[i], contract, now, settings);
                if (error is not null) return Problem(StatusCodes.Status400BadRequest, error.InBatch(i));
                events.Add(e!);
            }
        }
        else
        {
            if (EventRequestReader.IsBatch(request.ContentType)) return Problem(StatusCodes.Status400BadRequest, new FieldError("$", "a batch must be a JSON array of events"));
            var (e, error) = Read(body.Json, contract, now, settings);
            if (error is not null) return Problem(StatusCodes.Status400BadRequest, error);
            events.Add(e!);
        }

        var known = types.All();
        var warnings = new List<EventTypeWarning>();
        for (var i = 0; i < events.Count; i++)
        {
            if (types.Check(events[i].Id, events[i].Type, known) is not { } warning) continue;
            if (settings.StrictTypes)
            {
                var error = new FieldError("type", $"{warning.Message} (strict mode: {IngestOptions.Section}:StrictTypes)");
                return Problem(StatusCodes.Status400BadRequest, body.Json is JsonArray ? error.InBatch(i) : error);
            }

            warnings.Add(warning);
        }

        var result = await ingest.AcceptAsync(events, cancellationToken).ConfigureAwait(false);
        return TypedResults.Accepted((string?)null, new AcceptedEvents(result.Accepted, result.Duplicates, warnings.Count == 0 ? null : warnings));
    }

    private static (CustomerEvent? Event, FieldError? Error) Read(JsonNode? node, EventContract contract, DateTimeOffset now, IngestOptions settings)
    {
        if (node is not JsonObject o) return (null, new FieldError("$", "an event must be a JSON object"));
        var read = CloudEventReader.Read(o, now);
        if (!read.Ok) return (null, new FieldError(read.Field ?? "$", read.Error ?? "invalid event"));
        var e = read.Event!;
        var error = EventBounds.CheckEnvelope(e, now, settings.MaxFutureSkew)
            ?? EventBounds.CheckValues(o)
            ?? contract.Validate(e.Type, o.ToJsonString())
            ?? EventBounds.CheckFields(e, now, settings.MaxFutureSkew);
        return error is null ? (e, null) : (null, error);
    }

    private static ProblemHttpResult Problem(int status, FieldError error) =>
        TypedResults.Problem(
            detail: error.Message,
            statusCode: status,
            title: status switch
            {
                StatusCodes.Status413PayloadTooLarge => "Request too large",
                StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
                _ => "Invalid event",
            },
            extensions: new Dictionary<string, object?> { ["field"] = error.Field });
}
