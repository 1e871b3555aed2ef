namespace PrivateFlows.Runtime.Channels;

/// <summary>JSON POST of each message, signed with HMAC-SHA256, with <c>Idempotency-Key</c> = the effect id.</summary>
public sealed class WebhookChannelOptions
{
    /// <summary>Where messages of channels routed to <c>webhook</c> are posted (journey <c>webhook</c> steps post to their own URL).</summary>
    public Uri? Url { get; set; }

    /// <summary>HMAC-SHA256 key for the <c>X-PrivateFlows-Signature</c> header (at least 16 characters).</summary>
    public string? Secret { get; set; }

    public int TimeoutSeconds { get; set; } = 10;

    public int MaxRetries { get; set; } = 3;
}
