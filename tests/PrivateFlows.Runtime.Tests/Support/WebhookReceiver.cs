using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime.Channels;

namespace PrivateFlows.Runtime.Tests.Support;

/// <summary>
/// A webhook receiver on a loopback port that honours <c>Idempotency-Key</c>: the first request with a key is
/// delivered, repeats are acknowledged but counted as redeliveries. Bad signatures are refused with 401.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _delivered = new(StringComparer.Ordinal);
    private int _badSignatures;
    private int _failuresToInject;

    private WebhookReceiver(WebApplication app, string secret)
    {
        _app = app;
        Secret = secret;
    }

    public string Secret { get; }

    public Uri Url { get; private set; } = null!;

    /// <summary>Delivered messages by idempotency key (first body wins).</summary>
    public IReadOnlyDictionary<string, string> Delivered => _delivered;

    public int TotalRequests => _requests.Values.Sum();

    public int Redeliveries => TotalRequests - _requests.Count;

    public int BadSignatures => _badSignatures;

    /// <summary>The next <paramref name="count"/> requests get a 503 (to exercise retries).</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresToInject, count);

    public static async Task<WebhookReceiver> StartAsync(string secret = "receiver-secret-0123456789")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, secret);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = new Uri(app.Urls.First() + "/hook");
        return receiver;
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var key = request.Headers[WebhookSignature.IdempotencyHeader].ToString();
        var signature = request.Headers[WebhookSignature.SignatureHeader].ToString();
        if (!long.TryParse(request.Headers[WebhookSignature.TimestampHeader], out var timestamp) || !WebhookSignature.Verify(Secret, timestamp, body, signature))
        {
            Interlocked.Increment(ref _badSignatures);
            return Results.Unauthorized();
        }

        if (Interlocked.Decrement(ref _failuresToInject) >= 0) return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        if (key.Length == 0) return Results.BadRequest("Idempotency-Key is required");
        _requests.AddOrUpdate(key, 1, (_, n) => n + 1);
        _delivered.TryAdd(key, body);
        return Results.Ok();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
