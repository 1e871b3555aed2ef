using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Durable.Ingress;

/// <summary>
/// <c>POST /api/events</c> in Azure: validates one CloudEvent (or a batch as <c>application/cloudevents-batch+json</c>)
/// like the local host's envelope checks, then sends it to the customer-events topic with <c>SessionId</c> = subject
/// (the customer's order) and <c>MessageId</c> = event id (Service Bus duplicate detection). It answers 202 only after
/// Service Bus accepted the messages; a batch goes as one Service Bus batch, all or nothing.
/// </summary>
public sealed class EventPublisher(ServiceBusSender sender, IOptions<EventTopicOptions> options, TimeProvider clock, ILogger<EventPublisher> log)
{
    public const string SingleContentType = "application/cloudevents+json";
    public const string BatchContentType = "application/cloudevents-batch+json";

    public async Task<IActionResult> PostAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        var contentType = request.ContentType ?? "";
        var batchType = contentType.StartsWith(BatchContentType, StringComparison.OrdinalIgnoreCase);
        if (!batchType && !contentType.StartsWith(SingleContentType, StringComparison.OrdinalIgnoreCase) && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "$", $"send {SingleContentType}, application/json or {BatchContentType}");
        }

        if (request.ContentLength > settings.MaxBodyBytes) return Problem(StatusCodes.Status413PayloadTooLarge, "$", $"the body is larger than {settings.MaxBodyBytes} bytes");
        JsonNode? body;
        try
        {
            using var limited = new MemoryStream();
            await request.Body.CopyToAsync(limited, cancellationToken).ConfigureAwait(false);
            if (limited.Length > settings.MaxBodyBytes) return Problem(StatusCodes.Status413PayloadTooLarge, "$", $"the body is larger than {settings.MaxBodyBytes} bytes");
            if (limited.Length == 0) return Problem(StatusCodes.Status400BadRequest, "$", "the body is empty");
            body = JsonNode.Parse(limited.GetBuffer().AsSpan(0, (int)limited.Length), documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "$", $"malformed JSON: {e.Message}");
        }

        var now = clock.GetUtcNow();
        var events = new List<CustomerEvent>();
        if (body is JsonArray batch)
        {
            if (batch.Count == 0) return Problem(StatusCodes.Status400BadRequest, "$", "the batch is empty");
            if (batch.Count > settings.MaxBatchEvents) return Problem(StatusCodes.Status413PayloadTooLarge, "$", $"a batch holds at most {settings.MaxBatchEvents} events");
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i] is not JsonObject o) return Problem(StatusCodes.Status400BadRequest, $"[{i}]", "an event must be a JSON object");
                var read = CloudEventReader.Read(o, now);
                if (!read.Ok) return Problem(StatusCodes.Status400BadRequest, $"[{i}].{read.Field}", read.Error!);
                events.Add(read.Event!);
            }
        }
        else
        {
            if (batchType) return Problem(StatusCodes.Status400BadRequest, "$", "a batch must be a JSON array of events");
            if (body is not JsonObject o) return Problem(StatusCodes.Status400BadRequest, "$", "an event must be a JSON object");
            var read = CloudEventReader.Read(o, now);
            if (!read.Ok) return Problem(StatusCodes.Status400BadRequest, read.Field!, read.Error!);
            events.Add(read.Event!);
        }

        var messages = events.Select(ToMessage).ToList();
        await sender.SendMessagesAsync(messages, cancellationToken).ConfigureAwait(false);
        log.LogInformation("Sent {Count} event(s) to topic {Topic}", messages.Count, settings.Topic);
        return new ObjectResult(new AcceptedEvents([.. events.Select(e => e.Id).Distinct(StringComparer.Ordinal)])) { StatusCode = StatusCodes.Status202Accepted };
    }

    /// <summary>The Service Bus message of an event: the CloudEvent JSON (with its time, stamped now when it had none), in the customer's session.</summary>
    public static ServiceBusMessage ToMessage(CustomerEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new ServiceBusMessage(BinaryData.FromString(CloudEventReader.Write(e).ToJsonString()))
        {
            MessageId = e.Id,
            SessionId = e.Subject,
            Subject = e.Type,
            ContentType = SingleContentType,
        };
    }

    private static ObjectResult Problem(int status, string field, string error) =>
        new(new ProblemDetails { Status = status, Title = "the event was not accepted", Detail = $"{field}: {error}", Extensions = { ["field"] = field, ["error"] = error } }) { StatusCode = status };
}

/// <summary>The ids Service Bus accepted (the orchestration ignores an id it has seen).</summary>
public sealed record AcceptedEvents(IReadOnlyList<string> Accepted);
