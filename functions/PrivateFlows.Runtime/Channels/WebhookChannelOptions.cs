namespace PrivateFlows.Runtime.Channels;

/// <summary>JSON POST of each message, signed with HMAC-SHA256, with <c>Idempotency-Key</c> = the effect id.</summary>
public sealed class WebhookChannelOptions
{
    /// <summary>Where messages of channels routed to <c>webhook</c> are posted (journey <c>webhook</c> steps post to their own URL).</summary>
    public Uri? Url { get; set; }

    /// <summary>HMAC-SHA256 key for the <c>X-PrivateFlows-Signature</c> header (at least 16 characters).</summary>
    public string? Secret { get; set; }

    /// <summary>
    /// Hosts journey webhook steps may call: <c>hooks.example.com</c> exactly, <c>*.example.com</c> for subdomains, <c>*</c>
    /// for any. Empty (the default): journey webhooks are refused. Only a host listed exactly may resolve to a loopback,
    /// private or link-local address. The host of <see cref="Url"/> is always allowed.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Journey webhooks over plain HTTP (development only; on by default in the Development environment).</summary>
    public bool AllowHttp { get; set; }

    public int TimeoutSeconds { get; set; } = 10;

    public int MaxRetries { get; set; } = 3;
}
