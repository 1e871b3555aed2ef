using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace PrivateFlows.Functions.CustomHandler;

/// <summary>One message for the topic: its body and the broker properties that matter here.</summary>
public sealed record BrokerMessage(string Body, string SessionId, string MessageId, IReadOnlyDictionary<string, string> UserProperties);

/// <summary>
/// Sends messages to the topic over the Service Bus REST API (the SDK cannot be restored here):
/// <c>POST https://{namespace}/{topic}/messages</c> with an Entra ID bearer token and
/// <c>Content-Type: application/vnd.microsoft.servicebus.json</c>, a JSON array of
/// <c>{"Body", "BrokerProperties": {"SessionId", "MessageId"}, "UserProperties"}</c> per batch; <c>201 Created</c> = on the
/// topic. The named client carries the standard resilience handler; retrying a POST is safe because every message has a
/// deterministic <c>MessageId</c> and the topic detects duplicates.
/// </summary>
public sealed class ServiceBusRestSender(IHttpClientFactory clients, IServiceBusTokenSource tokens, IOptions<ServiceBusOptions> options)
{
    public const string ClientName = "privateflows-servicebus";
    public const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    /// <summary>Sends all messages in batches; <paramref name="sent"/> hears of each batch once it is on the topic.</summary>
    public async Task SendAsync(IReadOnlyList<BrokerMessage> messages, Action<IReadOnlyList<BrokerMessage>>? sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) return;
        var settings = options.Value;
        var uri = settings.MessagesUri();
        var client = clients.CreateClient(ClientName);
        foreach (var (batch, json) in Batches(messages, settings.MaxBatchBytes, settings.MaxBatchMessages))
        {
            var token = await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(json) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(BatchContentType);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new ServiceBusSendException(response.StatusCode, uri, detail.Length > 500 ? detail[..500] : detail);
            }

            sent?.Invoke(batch);
        }
    }

    /// <summary>The batch body: a JSON array of messages in the REST API's shape.</summary>
    public static JsonObject ToJson(BrokerMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var properties = new JsonObject();
        foreach (var (key, value) in message.UserProperties) properties[key] = value;
        return new JsonObject
        {
            ["Body"] = message.Body,
            ["BrokerProperties"] = new JsonObject { ["SessionId"] = message.SessionId, ["MessageId"] = message.MessageId },
            ["UserProperties"] = properties,
        };
    }

    /// <summary>Splits into batches of at most <paramref name="maxBytes"/> bytes of JSON and <paramref name="maxMessages"/> messages.</summary>
    public static IEnumerable<(IReadOnlyList<BrokerMessage> Batch, byte[] Json)> Batches(IReadOnlyList<BrokerMessage> messages, int maxBytes, int maxMessages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var batch = new List<BrokerMessage>();
        var items = new List<string>();
        var bytes = 2; // [ ]
        foreach (var message in messages)
        {
            var item = ToJson(message).ToJsonString();
            var size = Encoding.UTF8.GetByteCount(item) + 1; // and its comma
            if (batch.Count > 0 && (bytes + size > maxBytes || batch.Count >= maxMessages))
            {
                yield return (batch, Encode(items));
                batch = [];
                items = [];
                bytes = 2;
            }

            batch.Add(message);
            items.Add(item);
            bytes += size;
        }

        if (batch.Count > 0) yield return (batch, Encode(items));
    }

    private static byte[] Encode(List<string> items) => Encoding.UTF8.GetBytes("[" + string.Join(',', items) + "]");
}

/// <summary>Service Bus did not answer <c>201 Created</c> to a send (after the resilience handler's retries).</summary>
public sealed class ServiceBusSendException : Exception
{
    public ServiceBusSendException()
    {
    }

    public ServiceBusSendException(string message) : base(message)
    {
    }

    public ServiceBusSendException(string message, Exception inner) : base(message, inner)
    {
    }

    public ServiceBusSendException(HttpStatusCode status, Uri uri, string detail)
        : base($"Service Bus answered {(int)status} {status} to POST {uri}: {detail}")
    {
        Status = status;
    }

    public HttpStatusCode? Status { get; }
}
