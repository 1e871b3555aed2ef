using Microsoft.AspNetCore.Mvc;
using PrivateFlows.Runtime.DeadLetters;

namespace PrivateFlows.Durable.Api;

/// <summary>A dead letter as the ops API lists it: why, whose, which event, when, and the body to look at.</summary>
public sealed record DeadLetterView(
    long SequenceNumber,
    string EventId,
    string? CustomerId,
    string? Reason,
    string? Description,
    DateTimeOffset EnqueuedAt,
    int DeliveryCount,
    string? ContentType,
    string Body);

/// <summary>What a requeue did: the dead letter, and the message id its copy went to the topic under.</summary>
public sealed record RequeuedView(long SequenceNumber, string MessageId);

/// <summary>
/// The ops API over the journeys subscription's dead-letter queue (<c>GET /api/deadletters</c>,
/// <c>POST /api/deadletters/{sequenceNumber}/requeue</c>): list with reason, requeue one after the cause is fixed.
/// </summary>
public sealed class DeadLetterOps(DeadLetters deadLetters)
{
    public async Task<IActionResult> ListAsync(int? limit, long? from, CancellationToken cancellationToken)
    {
        var list = await deadLetters.ListAsync(Math.Clamp(limit ?? 100, 1, 500), from, cancellationToken).ConfigureAwait(false);
        return ApiResponse.Ok(list.Select(d => new DeadLetterView(d.SequenceNumber, d.MessageId, d.CustomerId, d.Reason, d.Description, d.EnqueuedTime, d.DeliveryCount, d.ContentType, d.Body)).ToList());
    }

    public async Task<IActionResult> RequeueAsync(string sequenceNumber, CancellationToken cancellationToken)
    {
        if (!long.TryParse(sequenceNumber, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return ApiResponse.NotFound("Dead letter not found", $"no dead letter '{sequenceNumber}' (sequence numbers are whole numbers)");
        }

        var outcome = await deadLetters.RequeueAsync(number, cancellationToken).ConfigureAwait(false);
        return outcome.Requeued
            ? ApiResponse.Ok(new RequeuedView(number, outcome.NewMessageId!))
            : ApiResponse.NotFound("Dead letter not found", $"no dead letter {number} in the journeys subscription's dead-letter queue");
    }
}
