using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.StaticFiles;

namespace PrivateFlows.Durable.Api;

/// <summary>
/// The dashboard's static files (the local host's <c>wwwroot</c>, copied into the app) under <see cref="BasePath"/>.
/// Anonymous: HTML, CSS and JS hold no data, and the dashboard asks for an API key before it reads any. Only files
/// inside the folder with a known content type are served; a path that leaves it (<c>..</c>, also percent-encoded)
/// answers 404. <c>no-cache</c> like the local host: small files that change with the app, always revalidated.
/// </summary>
public sealed class DashboardFiles(string root)
{
    /// <summary>Where the dashboard lives in Azure (host.json <c>routePrefix</c> "api" + route <c>ui/{*path}</c>).</summary>
    public const string BasePath = "/api/ui/";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private readonly string _root = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;

    public string Root => _root;

    public async Task<IActionResult> ServeAsync(HttpRequest request, string? path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The page's CSS and JS are relative links: they resolve under /api/ui/ only when the page is asked for with the slash.
        if (string.IsNullOrEmpty(path) && !(request.Path.Value ?? "").EndsWith('/')) return FileResponse.Redirect(BasePath);

        var file = Resolve(string.IsNullOrEmpty(path) ? "index.html" : path);
        if (file is null || !ContentTypes.TryGetContentType(file, out var contentType) || !File.Exists(file))
        {
            return ApiResponse.NotFound("Not Found", "no such dashboard file");
        }

        var bytes = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
        return new FileResponse(StatusCodes.Status200OK, bytes, contentType, null);
    }

    /// <summary>The full path of <paramref name="path"/> inside the folder, or null when it is not a plain relative path inside it.</summary>
    public string? Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // Decode until stable, so %2e%2e%2f and its double-encoded forms are judged as the ".." they mean.
        for (var i = 0; i < 3 && path.Contains('%', StringComparison.Ordinal); i++) path = Uri.UnescapeDataString(path);
        if (path.Contains('%', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal)) return null;
        var segments = path.Split('/');
        if (segments.Any(s => s is "" or "." or "..")) return null;
        var full = Path.GetFullPath(Path.Combine(_root, Path.Combine(segments)));
        return full.StartsWith(_root, StringComparison.Ordinal) ? full : null;
    }
}
