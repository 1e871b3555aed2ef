using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using PrivateFlows.Functions.Events;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Telemetry;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Functions.CustomHandler;

/// <summary>
/// <c>POST /ProcessCustomerEvent</c>, invoked by the Service Bus session trigger for each message of the
/// <c>journeys</c> subscription. The body is a CloudEvent (the contract of <c>POST /api/events</c>) or a due timer
/// (<see cref="TimerMessage"/>). The message is processed before the answer: accepted into the inbox (deduplicated by
/// event id), decided and committed on its customer's worker, effects dispatched.
/// <list type="bullet">
/// <item>200: processed, or already processed (a duplicate), or a permanent failure — an invalid event, no subject,
/// a session that is not the subject — parked as poison with the reason, so retries do not storm.</item>
/// <item>500: a transient failure (store unavailable, concurrency retries exhausted, an unexpected exception): the host
/// abandons the message and Service Bus redelivers it. On the last delivery
/// (<see cref="ServiceBusOptions.MaxDeliveryCount"/>) the engine parks a still failing input as poison instead.</item>
/// </list>
/// </summary>
public sealed class ProcessCustomerEventFunction(
    IJourneyStore store,
    CustomerQueues queues,
    EventContract contract,
    IOptions<ServiceBusOptions> options,
    TimeProvider clock,
    RuntimeMetrics metrics,
    ILogger<ProcessCustomerEventFunction> logger)
{
    public const string Route = "/ProcessCustomerEvent";
    public const string MessageBinding = "message";
    private const int MaxIdLength = 200;
    private const int MaxPoisonBody = 64 * 1024;

    public async Task<IResult> InvokeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var log = new InvocationLog(logger);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var invocation = InvocationRequest.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        var message = Metadata.From(invocation, request.Headers["X-Azure-Functions-InvocationId"].ToString());
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["MessageId"] = message.MessageId,
            ["SessionId"] = message.SessionId,
            ["DeliveryCount"] = message.DeliveryCount,
            ["SequenceNumber"] = message.SequenceNumber,
            ["InvocationId"] = message.InvocationId,
        });
        using var activity = RuntimeActivity.Source.StartActivity("servicebus.message");
        activity?.SetTag("messaging.message.id", message.MessageId);
        activity?.SetTag("messaging.servicebus.message.delivery_count", message.DeliveryCount);

        try
        {
            if (invocation is null)
            {
                var raw = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
                return await ParkAsync(log, message, "message", null, raw, "the invocation body is not a JSON object with Data and Metadata", cancellationToken).ConfigureAwait(false);
            }

            var (body, text, bodyError) = InvocationRequest.MessageBody(invocation.Binding(MessageBinding));
            if (body is null) return await ParkAsync(log, message, "message", null, text, bodyError!, cancellationToken).ConfigureAwait(false);

            var now = clock.GetUtcNow();
            var read = CloudEventReader.Read(body, now);
            if (!read.Ok) return await ParkAsync(log, message, "event", Subject(body), text, $"not a valid CloudEvent: {read.Field}: {read.Error}", cancellationToken).ConfigureAwait(false);
            var e = read.Event!;
            if (e.Id.Length > MaxIdLength) return await ParkAsync(log, message, "event", e.Subject, text, $"id is longer than {MaxIdLength} characters", cancellationToken).ConfigureAwait(false);
            if (e.Subject.Length > MaxIdLength) return await ParkAsync(log, message, "event", null, text, $"subject is longer than {MaxIdLength} characters", cancellationToken).ConfigureAwait(false);
            if (message.SessionId is { Length: > 0 } session && session != e.Subject && session != TimerMessage.BrokerId(e.Subject))
            {
                return await ParkAsync(log, message, "event", e.Subject, text, $"the message's SessionId '{session}' is not the event's subject (customer id) '{e.Subject}'", cancellationToken).ConfigureAwait(false);
            }

            if (e.Type == TimerMessage.Type)
            {
                var (timer, timerError) = TimerMessage.Read(e);
                if (timer is null) return await ParkAsync(log, message, "timer", e.Subject, text, timerError!, cancellationToken).ConfigureAwait(false);
                return await ProcessAsync(log, message, StepRequest.ForTimer(timer), $"timer {timer.TimerId} of instance {timer.InstanceId}", cancellationToken).ConfigureAwait(false);
            }

            if (message.Kind == TimerMessage.KindValue) log.Warning("Message {MessageId} is marked as a timer but holds a {Type} event; processed as an event", message.MessageId, e.Type);
            if (contract.Validate(e.Type, body.ToJsonString()) is { } schemaError)
            {
                return await ParkAsync(log, message, "event", e.Subject, text, $"{e.Type} does not match its schema: {schemaError.Field}: {schemaError.Message}", cancellationToken).ConfigureAwait(false);
            }

            if (message.MessageId is { Length: > 0 } messageId && messageId != e.Id)
            {
                log.Warning("Message {MessageId} carries event {EventId}: set MessageId = the event id so the topic's duplicate detection works", messageId, e.Id);
            }

            return await AcceptAndProcessAsync(log, message, e, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.Error(ex, "Message {MessageId} failed (delivery {DeliveryCount}); Service Bus redelivers it", message.MessageId, message.DeliveryCount);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            return InvocationResponse.Result(StatusCodes.Status500InternalServerError, log);
        }
    }

    private async Task<IResult> AcceptAndProcessAsync(InvocationLog log, Metadata message, CustomerEvent e, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fresh = await store.AcceptEventsAsync([e], now, cancellationToken).ConfigureAwait(false);
        if (fresh.Count > 0)
        {
            metrics.Accepted(1);
        }
        else
        {
            switch (await store.ReadEventStatusAsync(e.Id, cancellationToken).ConfigureAwait(false))
            {
                case EventStatus.Done:
                    log.Information("Event {EventId} ({Type}) for customer {CustomerId} was processed before; duplicate ignored", e.Id, e.Type, e.Subject);
                    return InvocationResponse.Result(StatusCodes.Status200OK, log);
                case EventStatus.Poison:
                    log.Information("Event {EventId} ({Type}) for customer {CustomerId} was parked as poison before; duplicate ignored", e.Id, e.Type, e.Subject);
                    return InvocationResponse.Result(StatusCodes.Status200OK, log);
                default:
                    break; // accepted before and not processed yet (an earlier delivery failed): process it now
            }
        }

        return await ProcessAsync(log, message, StepRequest.ForEvent(e), $"event {e.Id} ({e.Type})", cancellationToken).ConfigureAwait(false);
    }

    private async Task<IResult> ProcessAsync(InvocationLog log, Metadata message, StepRequest step, string what, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var lastDelivery = settings.MaxDeliveryCount > 0 && message.DeliveryCount >= settings.MaxDeliveryCount;

        // Before the last delivery a failure goes back to Service Bus (500, redelivered later); on the last one the
        // engine retries it here and parks it as poison, where ops see it, rather than in the dead-letter queue.
        step.RetriedByCaller = !lastDelivery;
        await queues.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        var outcome = await queues.SubmitAsync(step).WaitAsync(cancellationToken).ConfigureAwait(false);
        switch (outcome.Result)
        {
            case StepResult.Processed:
                log.Information("Processed {What} for customer {CustomerId}: {Effects} effects dispatched", what, step.CustomerId, outcome.Effects.Length);
                break;
            case StepResult.Duplicate:
                log.Information("{What} for customer {CustomerId} was processed before; duplicate ignored", what, step.CustomerId);
                break;
            case StepResult.Dropped:
                log.Information("{What} for customer {CustomerId} dropped: the customer was erased", what, step.CustomerId);
                break;
            case StepResult.Parked:
                log.Warning("Parked {What} for customer {CustomerId} as poison on delivery {DeliveryCount}: {Reason}", what, step.CustomerId, message.DeliveryCount, outcome.Error);
                break;
            default:
                log.Information("{What} for customer {CustomerId}: {Result}", what, step.CustomerId, outcome.Result);
                break;
        }

        return InvocationResponse.Result(StatusCodes.Status200OK, log);
    }

    /// <summary>A permanent failure: parked for ops with the reason and acknowledged (200), so retries do not storm.</summary>
    private async Task<IResult> ParkAsync(InvocationLog log, Metadata message, string kind, string? customerId, string body, string reason, CancellationToken cancellationToken)
    {
        var inputId = message.MessageId is { Length: > 0 } id ? id : "sb:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..32];
        var customer = customerId ?? message.SessionId ?? "";
        var poison = new PoisonInput(inputId, customer, kind, body.Length > MaxPoisonBody ? body[..MaxPoisonBody] : body, reason, (int)Math.Clamp(message.DeliveryCount, 1, int.MaxValue), clock.GetUtcNow());
        await store.ParkPoisonAsync(poison, null, null, cancellationToken).ConfigureAwait(false);
        log.Warning("Parked message {MessageId} for customer {CustomerId} as poison (it can never be processed): {Reason}", inputId, customer, reason);
        return InvocationResponse.Result(StatusCodes.Status200OK, log);
    }

    private static string? Subject(JsonObject body) => InvocationRequest.TextOf(body["subject"]) is { Length: > 0 and <= MaxIdLength } s ? s : null;

    /// <summary>The trigger metadata this function uses (all optional).</summary>
    private sealed record Metadata(string? MessageId, string? SessionId, long DeliveryCount, long? SequenceNumber, string? Kind, string? InvocationId)
    {
        public static Metadata From(InvocationRequest? invocation, string? invocationId)
        {
            if (invocation is null) return new Metadata(null, null, 1, null, null, invocationId);
            var properties = invocation.Object("UserProperties") ?? invocation.Object("ApplicationProperties");
            return new Metadata(
                invocation.FirstText("MessageId"),
                invocation.FirstText("SessionId"),
                invocation.Number("DeliveryCount") ?? 1,
                invocation.Number("SequenceNumber"),
                InvocationRequest.TextOf(InvocationRequest.Get(properties, TimerMessage.KindProperty)),
                string.IsNullOrEmpty(invocationId) ? null : invocationId);
        }
    }
}
