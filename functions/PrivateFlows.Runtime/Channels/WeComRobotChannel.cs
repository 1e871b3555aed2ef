using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace PrivateFlows.Runtime.Channels;

/// <summary>
/// WeCom (企业微信) group robot: <c>{"msgtype":"markdown","markdown":{"content":…}}</c> posted to the robot's webhook;
/// the robot answers <c>{"errcode":0,"errmsg":"ok"}</c> on success. Content is capped at the robot's 4096 bytes.
/// </summary>
public sealed class WeComRobotChannel(IHttpClientFactory clients, IOptionsMonitor<ChannelOptions> options) : IMessageChannel
{
    public const string ClientName = "privateflows-wecom";
    public const int MaxContentBytes = 4096;

    public string Name => Adapters.WeCom;

    public async Task<Delivery> DeliverAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var url = options.CurrentValue.WeCom.WebhookUrl ?? throw new InvalidOperationException("Channels:WeCom:WebhookUrl is not set");
        var attempts = new AttemptCounter();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(Payload(message)) };
        request.Options.Set(AttemptCounter.Key, attempts);
        using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) return new Delivery(false, $"HTTP {(int)response.StatusCode}", attempts.Count);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false);
        var code = answer?["errcode"]?.GetValue<int>() ?? -1;
        return code == 0
            ? new Delivery(true, "errcode 0", attempts.Count)
            : new Delivery(false, $"errcode {code}: {answer?["errmsg"]}", attempts.Count);
    }

    public static JsonObject Payload(OutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var content = message.Subject is null ? message.Body : $"**{message.Subject}**\n{message.Body}";
        return new JsonObject
        {
            ["msgtype"] = "markdown",
            ["markdown"] = new JsonObject { ["content"] = Cap(content, MaxContentBytes) },
        };
    }

    private static string Cap(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes) return text;
        var end = text.Length;
        while (end > 0 && Encoding.UTF8.GetByteCount(text.AsSpan(0, end)) > maxBytes - 3) end--;
        if (end > 0 && char.IsHighSurrogate(text[end - 1])) end--;
        return text[..end] + "…";
    }
}
