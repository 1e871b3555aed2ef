namespace PrivateFlows.Runtime.DeadLetters;

/// <summary>
/// A customer event Service Bus gave up on (too many failed deliveries, or expired), as ops see it in the
/// list: why it was dead-lettered, whose it is, and the event itself.
/// </summary>
/// <param name="SequenceNumber">Position in the dead-letter queue; what a requeue names.</param>
/// <param name="MessageId">The original message id (the CloudEvent id).</param>
/// <param name="CustomerId">The session id (the customer id), if the producer set one.</param>
/// <param name="Reason">Service Bus' or the app's dead-letter reason, e.g. MaxDeliveryCountExceeded.</param>
/// <param name="Description">The error description recorded with the reason.</param>
/// <param name="EnqueuedTime">When the original message was enqueued.</param>
/// <param name="DeliveryCount">Deliveries before it was dead-lettered.</param>
/// <param name="ContentType">Content type of the body (application/cloudevents+json).</param>
/// <param name="Body">The body as UTF-8 text.</param>
public sealed record DeadLetter(
    long SequenceNumber,
    string MessageId,
    string? CustomerId,
    string? Reason,
    string? Description,
    DateTimeOffset EnqueuedTime,
    int DeliveryCount,
    string? ContentType,
    string Body);
