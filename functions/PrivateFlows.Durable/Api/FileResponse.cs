using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace PrivateFlows.Durable.Api;

/// <summary>A dashboard file (or the redirect to the dashboard's folder), written directly to the response.</summary>
public sealed class FileResponse(int status, byte[] content, string? contentType, string? location) : IActionResult
{
    public int StatusCode { get; } = status;

    public byte[] Content { get; } = content;

    public string? ContentType { get; } = contentType;

    public string? Location { get; } = location;

    public static FileResponse Redirect(string location) => new(StatusCodes.Status302Found, [], null, location);

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return WriteAsync(context.HttpContext.Response, context.HttpContext.RequestAborted);
    }

    public async Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = StatusCode;
        if (Location is not null) response.Headers.Location = Location;
        // Small files that change with the app: always revalidate (as the local host does), never sniff another type.
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        if (ContentType is null) return;
        response.ContentType = ContentType;
        response.ContentLength = Content.Length;
        await response.Body.WriteAsync(Content, cancellationToken).ConfigureAwait(false);
    }
}
