using Azure.Messaging.ServiceBus;
using Microsoft.AspNetCore.Mvc;
using PrivateFlows.Durable.Ingress;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Durable.Api;

/// <summary>
/// <c>GET /api/poison</c> in Azure: the messages ingress set aside in the poison queue because they can never become
/// a customer event, newest first, in the local host's shape. Ingress sets such a message aside on its first delivery
/// (retrying cannot fix it), so each counts one attempt. Read with peek: listing locks and removes nothing.
/// </summary>
public sealed class PoisonInputs(ServiceBusReceiver poisonQueue)
{
    public async Task<IActionResult> ListAsync(int? limit, CancellationToken cancellationToken)
    {
        var messages = await poisonQueue.PeekMessagesAsync(Math.Clamp(limit ?? 200, 1, 5000), fromSequenceNumber: null, cancellationToken).ConfigureAwait(false);
        return ApiResponse.Ok(messages.OrderByDescending(m => m.SequenceNumber).Select(ToInput).ToList());
    }

    private static PoisonInput ToInput(ServiceBusReceivedMessage m)
    {
        var reason = Text(m, PoisonQueue.ReasonProperty);
        var description = Text(m, PoisonQueue.DescriptionProperty);
        var why = (reason, description) switch
        {
            ({ } r, { } d) => $"{r}: {d}",
            ({ } r, null) => r,
            (null, { } d) => d,
            _ => "set aside by ingress",
        };
        return new PoisonInput(m.MessageId, m.SessionId ?? "", "event", m.Body.ToString(), why, 1, m.EnqueuedTime);
    }

    private static string? Text(ServiceBusReceivedMessage m, string property) =>
        m.ApplicationProperties.TryGetValue(property, out var value) && value?.ToString() is { Length: > 0 } text ? text : null;
}
