using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Durable.Ingress;

/// <summary>
/// The Service Bus side of ingest: one message of the session-enabled subscription (session id = customer id,
/// message id = event id) becomes an event of that customer's orchestration, in session order. A permanently bad
/// message is dead-lettered with a reason code and a description an operator can read; a transient failure throws,
/// so Service Bus delivers the message again (and dead-letters it after its max delivery count).
/// </summary>
public sealed class CustomerEventIngress(CustomerOrchestrations orchestrations, ILogger<CustomerEventIngress> log)
{
    public async Task<IngressResult> ReceiveAsync(ReceivedMessage message, IMessageSettlement settlement, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(settlement);
        var read = Read(message);
        if (read.Error is { } error)
        {
            log.LogWarning("Dead-lettering message {MessageId} of session {SessionId}: {Reason}: {Description}", message.MessageId, message.SessionId, error.Reason, error.Description);
            await settlement.DeadLetterAsync(message, error.Reason!, error.Description!, cancellationToken).ConfigureAwait(false);
            return error;
        }

        var e = read.Event!;
        Handover handover;
        try
        {
            handover = await orchestrations.DeliverAsync(client, e, cancellationToken).ConfigureAwait(false);
        }
        catch (CustomerUnavailableException unavailable)
        {
            var dead = IngressResult.DeadLettered(DeadLetterReasons.CustomerUnavailable, $"event {e.Id} for customer {e.Subject}: {unavailable.Message}");
            log.LogWarning("Dead-lettering event {EventId} of customer {CustomerId}: {Description}", e.Id, e.Subject, dead.Description);
            await settlement.DeadLetterAsync(message, dead.Reason!, dead.Description!, cancellationToken).ConfigureAwait(false);
            return dead;
        }

        await settlement.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
        return IngressResult.Delivered(handover);
    }

    /// <summary>The customer event in a message, or why the message can never become one.</summary>
    public static (CustomerEvent? Event, IngressResult? Error) Read(ReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(message.Body.ToMemory().Span) as JsonObject;
        }
        catch (JsonException ex)
        {
            return (null, IngressResult.DeadLettered(DeadLetterReasons.InvalidJson, $"message {message.MessageId}: the body is not JSON ({ex.Message})"));
        }

        if (json is null) return (null, IngressResult.DeadLettered(DeadLetterReasons.InvalidJson, $"message {message.MessageId}: the body must be one CloudEvent as a JSON object"));

        // An event without a time happened when Service Bus accepted it (a fixed property of the message: redeliveries agree).
        var read = CloudEventReader.Read(json, message.EnqueuedTime);
        if (!read.Ok) return (null, IngressResult.DeadLettered(DeadLetterReasons.InvalidEvent, $"message {message.MessageId}: {read.Field}: {read.Error}"));

        var e = read.Event!;
        if (!string.Equals(e.Subject, message.SessionId, StringComparison.Ordinal))
        {
            return (null, IngressResult.DeadLettered(DeadLetterReasons.SubjectNotSession,
                $"event {e.Id}: subject '{e.Subject}' is not the session id '{message.SessionId}' (producers must send each customer's events with SessionId = customer id)"));
        }

        return (e, null);
    }
}

/// <summary>What became of one message: handed to the orchestration (started or raised), or dead-lettered with a reason.</summary>
public sealed record IngressResult(Handover? Handover, string? Reason, string? Description)
{
    public bool IsDeadLettered => Reason is not null;

    public static IngressResult Delivered(Handover handover) => new(handover, null, null);

    public static IngressResult DeadLettered(string reason, string description) => new(null, reason, description);
}
