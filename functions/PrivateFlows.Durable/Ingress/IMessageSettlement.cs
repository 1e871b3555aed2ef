namespace PrivateFlows.Durable.Ingress;

/// <summary>What may be done with a received Service Bus message besides letting the trigger complete it.</summary>
public interface IMessageSettlement
{
    /// <summary>The message was handed over: complete it (a no-op where the trigger auto-completes on success).</summary>
    Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken);

    /// <summary>Sets the message aside for ops with a short reason code and a description an operator can act on.</summary>
    Task DeadLetterAsync(ReceivedMessage message, string reason, string description, CancellationToken cancellationToken);
}
