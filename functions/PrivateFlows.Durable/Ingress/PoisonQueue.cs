using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;

namespace PrivateFlows.Durable.Ingress;

/// <summary>
/// Where permanently bad customer-event messages go for ops: a copy of the message (body, message id, session id)
/// with <c>DeadLetterReason</c> and <c>DeadLetterErrorDescription</c> application properties, the same names Service Bus
/// uses on its dead-letter queues. After the copy is accepted the trigger completes the original, so the bad message
/// is neither retried nor lost.
/// </summary>
public sealed class PoisonQueue(ServiceBusSender sender, ILogger<PoisonQueue> log) : IMessageSettlement
{
    public const string ReasonProperty = "DeadLetterReason";
    public const string DescriptionProperty = "DeadLetterErrorDescription";

    /// <summary>Nothing to do: the trigger completes the message when the function returns.</summary>
    public Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task DeadLetterAsync(ReceivedMessage message, string reason, string description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var copy = new ServiceBusMessage(message.Body)
        {
            MessageId = message.MessageId,
            SessionId = message.SessionId,
            ApplicationProperties = { [ReasonProperty] = reason, [DescriptionProperty] = description, ["EnqueuedTimeUtc"] = message.EnqueuedTime.UtcDateTime },
        };
        await sender.SendMessageAsync(copy, cancellationToken).ConfigureAwait(false);
        log.LogWarning("Message {MessageId} of session {SessionId} set aside in {Queue}: {Reason}: {Description}", message.MessageId, message.SessionId, sender.EntityPath, reason, description);
    }
}
