using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Channels;

/// <summary>
/// Posts messages as JSON to the configured URL (journey webhook steps: to their own URL), signed with
/// HMAC-SHA256 and carrying <c>Idempotency-Key</c> = the effect id; retries with backoff come from the
/// resilience handler of the named HTTP client. Journey URLs go only where <see cref="WebhookDestinations"/> allows;
/// a refused one is a failed delivery with the reason (recorded, never dropped silently).
/// </summary>
public sealed class WebhookChannel(IHttpClientFactory clients, IOptionsMonitor<ChannelOptions> options, WebhookDestinations destinations, TimeProvider clock) : IMessageChannel
{
    public const string ClientName = "privateflows-webhook";

    public string Name => Adapters.Webhook;

    public async Task<Delivery> DeliverAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.CurrentValue.Webhook;
        var url = message.Url ?? settings.Url ?? throw new InvalidOperationException("Channels:Webhook:Url is not set");
        if (message.Url is not null && destinations.Refusal(message.Url) is { } refused) return new Delivery(false, refused, 0);
        var nonPublicAllowed = destinations.AllowsNonPublic(url);
        if (!nonPublicAllowed && await WebhookDestinations.AddressRefusalAsync(url.IdnHost, cancellationToken).ConfigureAwait(false) is { } blocked)
        {
            return new Delivery(false, blocked, 0);
        }

        var body = message.Url is not null ? message.Body : Payload(message).ToJsonString();
        var attempts = new AttemptCounter();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Options.Set(WebhookDestinations.NonPublicAllowed, nonPublicAllowed); // checked again at connection time
        request.Headers.Add(WebhookSignature.IdempotencyHeader, message.EffectId);
        request.Options.Set(AttemptCounter.Key, attempts);
        if (!string.IsNullOrEmpty(settings.Secret))
        {
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(settings.Secret, timestamp, body));
        }

        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("PrivateFlows", "1.0"));
        using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        return response.IsSuccessStatusCode
            ? new Delivery(true, $"HTTP {status}", attempts.Count)
            : new Delivery(false, $"HTTP {status} {response.ReasonPhrase}", attempts.Count);
    }

    private static JsonObject Payload(OutgoingMessage m) => new()
    {
        ["id"] = m.EffectId,
        ["type"] = "privateflows.message",
        ["customerId"] = m.CustomerId,
        ["instanceId"] = m.InstanceId,
        ["journey"] = m.Journey,
        ["step"] = m.Step,
        ["channel"] = m.Channel,
        ["category"] = m.Category,
        ["template"] = m.Template,
        ["locale"] = m.Locale,
        ["subject"] = m.Subject,
        ["body"] = m.Body,
        ["address"] = m.Address,
    };
}
