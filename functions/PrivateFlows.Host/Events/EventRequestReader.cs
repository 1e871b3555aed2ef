using System.Text.Json;
using System.Text.Json.Nodes;

namespace PrivateFlows.Host.Events;

/// <summary>Reads the body of <c>POST /api/events</c> within the size limit and parses it as JSON.</summary>
public static class EventRequestReader
{
    public const string SingleContentType = "application/cloudevents+json";
    public const string BatchContentType = "application/cloudevents-batch+json";

    public sealed record Body(JsonNode? Json, int Status, FieldError? Error);

    public static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith(SingleContentType, StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith(BatchContentType, StringComparison.OrdinalIgnoreCase));

    public static bool IsBatch(string? contentType) => contentType?.StartsWith(BatchContentType, StringComparison.OrdinalIgnoreCase) == true;

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
        try
        {
            return new Body(JsonNode.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), documentOptions: new JsonDocumentOptions { MaxDepth = 64 }), StatusCodes.Status200OK, null);
        }
        catch (JsonException e)
        {
            return new Body(null, StatusCodes.Status400BadRequest, new FieldError("$", $"malformed JSON: {e.Message}"));
        }
    }

    private static Body TooLarge(long maxBytes) =>
        new(null, StatusCodes.Status413PayloadTooLarge, new FieldError("$", $"the body is larger than {maxBytes} bytes"));
}
