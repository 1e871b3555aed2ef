using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;

namespace PrivateFlows.Runtime.DeadLetters;

/// <summary>
/// The dead-letter queue of the journeys subscription, for ops: list dead letters with their reason, and
/// requeue one after the cause is fixed. A requeue sends a copy to the customer-events topic (same body,
/// session and properties; the dead-letter reason stripped) and then completes the dead letter, so a
/// failure between the two leaves a duplicate, never a loss; the engine drops duplicates by event id.
/// </summary>
/// <remarks>
/// <paramref name="deadLetterReceiver"/> reads <c>customer-events/Subscriptions/journeys/$deadletterqueue</c>
/// in peek-lock mode (<c>SubQueue.DeadLetter</c>; the dead-letter queue of a session subscription is not
/// session-enabled); <paramref name="topicSender"/> sends to <c>customer-events</c>. The app identity's roles
/// (owner of the subscription, sender on the topic) allow exactly this.
/// </remarks>
public sealed partial class DeadLetters(ServiceBusReceiver deadLetterReceiver, ServiceBusSender topicSender, ILogger<DeadLetters> logger)
{
    /// <summary>Service Bus keeps these application properties on a dead letter; a requeued copy must not carry them.</summary>
    public const string ReasonProperty = "DeadLetterReason";

    public const string DescriptionProperty = "DeadLetterErrorDescription";

    /// <summary>Set on a requeued copy: the dead letter it came from (audit, and to tell a requeue from a first delivery).</summary>
    public const string RequeuedFromProperty = "privateflows-requeued-from";

    private const int MaxMessageIdLength = 128;
    private const int ReceiveBatch = 50;

    /// <summary>How many dead letters a requeue looks through for the one asked for before it gives up.</summary>
    public int SearchLimit { get; init; } = 5000;

    /// <summary>Up to <paramref name="max"/> dead letters from <paramref name="fromSequenceNumber"/> on (oldest first), without locking them.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int max, long? fromSequenceNumber, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var messages = await deadLetterReceiver.PeekMessagesAsync(max, fromSequenceNumber, cancellationToken).ConfigureAwait(false);
        return messages.Select(ToDeadLetter).ToList();
    }

    /// <summary>Sends a copy of dead letter <paramref name="sequenceNumber"/> back to the topic and removes it from the dead-letter queue.</summary>
    public async Task<RequeueOutcome> RequeueAsync(long sequenceNumber, CancellationToken cancellationToken)
    {
        // Messages looked at stay locked until the search ends: released at once, the next receive would
        // hand the same ones back and the search would never get past them.
        var held = new List<ServiceBusReceivedMessage>();
        try
        {
            while (held.Count < SearchLimit)
            {
                var batch = await deadLetterReceiver.ReceiveMessagesAsync(Math.Min(ReceiveBatch, SearchLimit - held.Count), TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    break;
                }

                var match = batch.FirstOrDefault(m => m.SequenceNumber == sequenceNumber);
                held.AddRange(batch.Where(m => !ReferenceEquals(m, match)));
                if (match is not null)
                {
                    var copy = Copy(match);
                    await topicSender.SendMessageAsync(copy, cancellationToken).ConfigureAwait(false);
                    await deadLetterReceiver.CompleteMessageAsync(match, cancellationToken).ConfigureAwait(false);
                    LogRequeued(sequenceNumber, match.MessageId, copy.MessageId, match.SessionId, match.DeadLetterReason);
                    return new RequeueOutcome(true, sequenceNumber, copy.MessageId);
                }
            }

            LogNotFound(sequenceNumber, held.Count);
            return RequeueOutcome.NotFound(sequenceNumber);
        }
        finally
        {
            // Not ours: back to the dead-letter queue for the list and later requeues (also after a failure).
            foreach (var message in held)
            {
                await deadLetterReceiver.AbandonMessageAsync(message, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The copy keeps body, session (customer), content type and application properties; its message id is
    /// derived from the dead letter's, so the topic's duplicate detection does not drop it as a resend of
    /// the original, yet a second requeue of the same dead letter is dropped as a duplicate of the first.
    /// </summary>
    public static ServiceBusMessage Copy(ServiceBusReceivedMessage deadLetter)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        var copy = new ServiceBusMessage(deadLetter)
        {
            MessageId = RequeuedMessageId(deadLetter.MessageId, deadLetter.SequenceNumber),
        };
        copy.ApplicationProperties.Remove(ReasonProperty);
        copy.ApplicationProperties.Remove(DescriptionProperty);
        copy.ApplicationProperties[RequeuedFromProperty] = deadLetter.SequenceNumber;
        return copy;
    }

    public static string RequeuedMessageId(string originalMessageId, long sequenceNumber)
    {
        var prefix = $"requeue-{sequenceNumber}-";
        var id = prefix + originalMessageId;
        return id.Length <= MaxMessageIdLength ? id : id[..MaxMessageIdLength];
    }

    private static DeadLetter ToDeadLetter(ServiceBusReceivedMessage message) => new(
        message.SequenceNumber,
        message.MessageId,
        message.SessionId,
        message.DeadLetterReason,
        message.DeadLetterErrorDescription,
        message.EnqueuedTime,
        message.DeliveryCount,
        message.ContentType,
        message.Body.ToString());

    [LoggerMessage(Level = LogLevel.Information, Message = "Requeued dead letter {SequenceNumber} (message {MessageId}, customer {CustomerId}, reason {Reason}) as message {NewMessageId}")]
    private partial void LogRequeued(long sequenceNumber, string messageId, string newMessageId, string? customerId, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead letter {SequenceNumber} not found among {Looked} dead letters; nothing requeued")]
    private partial void LogNotFound(long sequenceNumber, int looked);
}
