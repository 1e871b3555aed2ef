using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;

namespace PrivateFlows.Host.Events;

/// <summary>Reads the body of <c>POST /api/events</c> within the size limit and parses it as JSON.</summary>
public static class EventRequestReader
{
    public const string SingleContentType = "application/cloudevents+json";
    public const string BatchContentType = "application/cloudevents-batch+json";

    public sealed record Body(JsonNode? Json, int Status, FieldError? Error);

    public const string PlainJsonContentType = "application/json";

    /// <summary>
    /// Exactly the media types the contract promises (an optional <c>charset</c> must be UTF-8): a prefix test would let
    /// <c>application/json-patch+json</c> and the like in.
    /// </summary>
    public static bool IsJson(string? contentType) => MediaType(contentType) is SingleContentType or BatchContentType or PlainJsonContentType;

    public static bool IsBatch(string? contentType) => MediaType(contentType) == BatchContentType;

    private static string? MediaType(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed)) return null;
        var charset = parsed.Charset;
        if (charset.HasValue && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)) return null;
        return parsed.MediaType.Value?.ToLowerInvariant();
    }

    public static async Task<Body> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes) return TooLarge(maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            if (buffer.Length + read > maxBytes) return TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0) return new Body(null, StatusCodes.Status400BadRequest, new FieldError("$", "the body is empty"));
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (StrictJson.Check(bytes) is { } invalid) return new Body(null, StatusCodes.Status400BadRequest, invalid);
        try
        {
            return new Body(JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = StrictJson.MaxDepth, AllowDuplicateProperties = false }), StatusCodes.Status200OK, null);
        }
        catch (JsonException e)
        {
            return new Body(null, StatusCodes.Status400BadRequest, new FieldError("$", $"malformed JSON: {e.Message}"));
        }
    }

    private static Body TooLarge(long maxBytes) =>
        new(null, StatusCodes.Status413PayloadTooLarge, new FieldError("$", $"the body is larger than {maxBytes} bytes"));
}
