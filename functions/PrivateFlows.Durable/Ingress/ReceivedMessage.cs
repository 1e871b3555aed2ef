using Azure.Messaging.ServiceBus;

namespace PrivateFlows.Durable.Ingress;

/// <summary>
/// What the ingress needs of a received Service Bus message. The Functions Service Bus extension served here (5.7.0)
/// binds the body and the message's binding data, not a <see cref="ServiceBusReceivedMessage"/>; newer extensions
/// and the SDK's receivers hand over a <see cref="ServiceBusReceivedMessage"/> (<see cref="From"/>).
/// </summary>
public sealed record ReceivedMessage(BinaryData Body, string MessageId, string? SessionId, DateTimeOffset EnqueuedTime, int DeliveryCount = 1)
{
    public static ReceivedMessage From(ServiceBusReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new ReceivedMessage(message.Body, message.MessageId, message.SessionId, message.EnqueuedTime, message.DeliveryCount);
    }
}
