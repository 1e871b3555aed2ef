namespace PrivateFlows.Runtime.DeadLetters;

/// <summary>What a requeue did: sent a copy under <paramref name="NewMessageId"/> and removed the dead letter, or found nothing to requeue.</summary>
public sealed record RequeueOutcome(bool Requeued, long SequenceNumber, string? NewMessageId)
{
    public static RequeueOutcome NotFound(long sequenceNumber) => new(false, sequenceNumber, null);
}
