using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace PrivateFlows.Runtime.Channels;

/// <summary>
/// Where webhooks may go (SSRF guard). A journey's webhook URL is chosen by a marketer, and its requests carry the shared
/// HMAC signature, so: its host must be in <see cref="WebhookChannelOptions.AllowedHosts"/> (empty: journey webhooks are
/// refused), it must be HTTPS unless <see cref="WebhookChannelOptions.AllowHttp"/>, and every address its name resolves
/// to must be public (no loopback, private, link-local or metadata address) unless the host is listed exactly. The
/// operator's own <c>Channels:Webhook:Url</c> is trusted as configured. The address check runs again when the
/// connection is made, so a name that resolves differently the second time (DNS rebinding) is refused too.
/// </summary>
public sealed class WebhookDestinations(IOptionsMonitor<ChannelOptions> options)
{
    /// <summary>Set on a request whose destination may be a non-public address (the operator's URL, or a host listed exactly).</summary>
    internal static readonly HttpRequestOptionsKey<bool> NonPublicAllowed = new("privateflows.webhook.non-public-allowed");

    private WebhookChannelOptions Settings => options.CurrentValue.Webhook;

    /// <summary>Why a journey webhook URL is refused before resolving it; null when the URL may be tried.</summary>
    public string? Refusal(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)) return "refused: a webhook URL must be an absolute http(s) URL";
        if (url.Scheme == Uri.UriSchemeHttp && !Settings.AllowHttp) return $"refused: {url.Host} over plain HTTP (set Channels:Webhook:AllowHttp only for development)";
        if (!IsConfigured(url) && !Settings.AllowedHosts.Any(pattern => Matches(pattern, url.IdnHost)))
        {
            return $"refused: {url.Host} is not in Channels:Webhook:AllowedHosts";
        }

        return null;
    }

    /// <summary>Whether the destination may resolve to a non-public address: the operator's URL, or a host listed exactly.</summary>
    public bool AllowsNonPublic(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return IsConfigured(url) || Settings.AllowedHosts.Any(h => string.Equals(h.Trim(), url.IdnHost, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Resolves the host; null when every address is allowed, else the reason naming the first address refused.</summary>
    public static async Task<string?> AddressRefusalAsync(string host, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0) return $"refused: {host} does not resolve";
        var blocked = addresses.FirstOrDefault(a => !IsPublic(a));
        return blocked is null ? null : $"refused: {host} resolves to the non-public address {blocked} (list the host exactly in Channels:Webhook:AllowedHosts to allow it)";
    }

    /// <summary>
    /// Connects the webhook client (<c>SocketsHttpHandler.ConnectCallback</c>) to an address checked at connection time:
    /// for a destination that must be public, every resolved address must be public.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        var nonPublicAllowed = context.InitialRequestMessage.Options.TryGetValue(NonPublicAllowed, out var allowed) && allowed;
        if (!nonPublicAllowed && addresses.FirstOrDefault(a => !IsPublic(a)) is { } blocked)
        {
            throw new HttpRequestException($"refused: {host} resolves to the non-public address {blocked}");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>False for loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with the cloud metadata address, fe80::/10), shared (100.64/10), unspecified, multicast and reserved addresses.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224 // this network, private, loopback, multicast and reserved
                || (b[0] == 100 && b[1] is >= 64 and < 128) // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254) // link-local, cloud metadata
                || (b[0] == 172 && b[1] is >= 16 and < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0) // IETF protocol assignments
                || (b[0] == 198 && b[1] is 18 or 19)); // benchmarking
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        var v6 = address.GetAddressBytes();
        return !(address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (v6[0] & 0xfe) == 0xfc); // unique local (fc00::/7), e.g. fd00:ec2::254
    }

    private bool IsConfigured(Uri url) =>
        Settings.Url is { IsAbsoluteUri: true } configured && string.Equals(configured.IdnHost, url.IdnHost, StringComparison.OrdinalIgnoreCase) && configured.Port == url.Port;

    /// <summary><c>hooks.example.com</c> exactly, <c>*.example.com</c> for its subdomains, <c>*</c> for any host (public addresses only).</summary>
    private static bool Matches(string pattern, string host)
    {
        pattern = pattern.Trim();
        if (pattern == "*") return true;
        if (pattern.StartsWith("*.", StringComparison.Ordinal)) return host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase);
        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
}
