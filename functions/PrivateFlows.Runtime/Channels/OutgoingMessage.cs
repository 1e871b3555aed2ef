using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Channels;

/// <summary>A message to deliver: a journey send, or a journey webhook call (<see cref="Url"/> set, <see cref="Body"/> is JSON).</summary>
public sealed record OutgoingMessage(
    string EffectId,
    string CustomerId,
    string? InstanceId,
    string? Journey,
    string? Step,
    string Channel,
    string? Category,
    string? Template,
    string? Locale,
    string? Subject,
    string Body,
    string? Address,
    Uri? Url = null)
{
    /// <summary>The message an effect asks for, or null for effects that send nothing.</summary>
    public static OutgoingMessage? From(Effect effect) => effect switch
    {
        SendMessage s => new OutgoingMessage(s.EffectId, s.CustomerId, s.InstanceId, s.Journey, s.StepId, s.Channel,
            s.Category.ToString().ToLowerInvariant(), s.Template, s.Locale, s.Subject, s.Body, s.Address),
        CallWebhook c => new OutgoingMessage(c.EffectId, c.CustomerId, c.InstanceId, null, null, PrivateFlows.Workflows.Language.Channels.Webhook,
            null, null, null, null, c.Body, c.Url, Uri.TryCreate(c.Url, UriKind.Absolute, out var url) ? url : null),
        _ => null,
    };
}

/// <summary>What an adapter did with a message.</summary>
public sealed record Delivery(bool Delivered, string? Detail, int Attempts = 1);
