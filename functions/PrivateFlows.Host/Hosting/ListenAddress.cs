using System.Net;

namespace PrivateFlows.Host.Hosting;

/// <summary>
/// Where the host listens. The usual ASP.NET Core settings win: <c>Kestrel:Endpoints</c>, <c>--urls</c> /
/// <c>ASPNETCORE_URLS</c> (configuration key <c>urls</c>), <c>ASPNETCORE_HTTP_PORTS</c> / <c>HTTPS_PORTS</c>. Without any
/// of them, <c>PrivateFlows:Port</c> (default 7071) is the shortcut: loopback only without API keys, every interface with keys.
/// Without API keys every caller has every role, so every configured address must be loopback: see <see cref="FirstNotLoopback"/>.
/// </summary>
public static class ListenAddress
{
    public const int DefaultPort = 7071;

    public static int Port(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetValue("PrivateFlows:Port", DefaultPort);
    }

    /// <summary>Addresses set the usual ASP.NET Core ways, as URLs (ports alone become <c>http://*:port</c>); empty when none is.</summary>
    public static IReadOnlyList<string> Configured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e["Url"])
            .OfType<string>()
            .Where(u => !string.IsNullOrWhiteSpace(u))
            .Select(u => u.Trim())
            .ToList();
        if (endpoints.Count > 0) return endpoints; // Kestrel's own configuration overrides urls and ports

        var urls = Split(configuration["urls"]);
        if (urls.Count > 0) return urls;

        // Like ASP.NET Core: HTTP_PORTS/HTTPS_PORTS listen on every interface.
        return [.. Split(configuration["http_ports"]).Select(p => $"http://*:{p}"), .. Split(configuration["https_ports"]).Select(p => $"https://*:{p}")];
    }

    /// <summary>The first address that is not loopback (a wildcard, an interface address or a host name other than localhost); null when all are.</summary>
    public static string? FirstNotLoopback(IEnumerable<string> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        return addresses.FirstOrDefault(a => !IsLoopback(a));
    }

    public static bool IsLoopback(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var host = Host(address);
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>The host part of a URL as Kestrel reads it (<c>*</c> and <c>+</c> are wildcards, which <see cref="Uri"/> does not parse).</summary>
    private static string Host(string address)
    {
        var rest = address;
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) rest = rest[(scheme + 3)..];
        var path = rest.IndexOf('/', StringComparison.Ordinal);
        if (path >= 0) rest = rest[..path];
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? rest[..(close + 1)] : rest;
        }

        var colon = rest.LastIndexOf(':');
        return colon >= 0 ? rest[..colon] : rest;
    }

    private static List<string> Split(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
