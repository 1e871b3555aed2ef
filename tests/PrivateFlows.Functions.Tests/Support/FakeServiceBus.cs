using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;

namespace PrivateFlows.Functions.Tests.Support;

/// <summary>
/// Stands in for the Service Bus REST endpoint as the primary handler of the app's named client (behind its real
/// resilience handler): records every request and answers 201 Created, or <see cref="Status"/> when set.
/// </summary>
public sealed class FakeServiceBus : HttpMessageHandler
{
    public sealed record Received(HttpMethod Method, Uri Uri, string? Authorization, string? ContentType, string Body)
    {
        public JsonArray Messages => JsonNode.Parse(Body)!.AsArray();
    }

    private readonly ConcurrentQueue<Received> _requests = new();

    public HttpStatusCode Status { get; set; } = HttpStatusCode.Created;

    public IReadOnlyList<Received> Requests => [.. _requests];

    /// <summary>Every message of every batch received, in order.</summary>
    public IReadOnlyList<JsonObject> Messages => [.. Requests.SelectMany(r => r.Messages.Select(m => m!.AsObject()))];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        _requests.Enqueue(new Received(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), request.Content?.Headers.ContentType?.ToString(), body));
        return new HttpResponseMessage(Status) { Content = new StringContent(Status == HttpStatusCode.Created ? "" : "<Error><Code>401</Code><Detail>fake</Detail></Error>") };
    }

    protected override void Dispose(bool disposing)
    {
        // shared by the factory's handler rotations for the whole test; nothing to release
    }
}
