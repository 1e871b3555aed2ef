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
            .Accepts<JsonObject>(EventRequestReader.SingleContentType, "application/json", EventRequestReader.BatchContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    public sealed record AcceptedEvents(IReadOnlyList<string> Accepted, IReadOnlyList<string> Duplicates);

    private static async Task<Results<Accepted<AcceptedEvents>, ProblemHttpResult>> AcceptAsync(
        HttpRequest request, EventContract contract, EventIngest ingest, IOptions<IngestOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!EventRequestReader.IsJson(request.ContentType))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, new FieldError("$", $"send {EventRequestReader.SingleContentType}, application/json or {EventRequestReader.BatchContentType}"));
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
                var (e, error) = Read(batch[i], contract, now);
                if (error is not null) return Problem(StatusCodes.Status400BadRequest, error.InBatch(i));
                events.Add(e!);
            }
        }
        else
        {
            if (EventRequestReader.IsBatch(request.ContentType)) return Problem(StatusCodes.Status400BadRequest, new FieldError("$", "a batch must be a JSON array of events"));
            var (e, error) = Read(body.Json, contract, now);
            if (error is not null) return Problem(StatusCodes.Status400BadRequest, error);
            events.Add(e!);
        }

        var result = await ingest.AcceptAsync(events, cancellationToken).ConfigureAwait(false);
        return TypedResults.Accepted((string?)null, new AcceptedEvents(result.Accepted, result.Duplicates));
    }

    private static (CustomerEvent? Event, FieldError? Error) Read(JsonNode? node, EventContract contract, DateTimeOffset now)
    {
        if (node is not JsonObject o) return (null, new FieldError("$", "an event must be a JSON object"));
        var read = CloudEventReader.Read(o, now);
        if (!read.Ok) return (null, new FieldError(read.Field ?? "$", read.Error ?? "invalid event"));
        var e = read.Event!;
        if (e.Id.Length > 200) return (null, new FieldError("id", "id is longer than 200 characters"));
        if (e.Subject.Length > 200) return (null, new FieldError("subject", "subject is longer than 200 characters"));
        var schemaError = contract.Validate(e.Type, o.ToJsonString());
        return schemaError is null ? (e, null) : (null, schemaError);
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
