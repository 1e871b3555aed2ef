using Microsoft.AspNetCore.Http.Features;

namespace PrivateFlows.Host.Api;

/// <summary>
/// The customer id of a <c>/api/customers/{customerId}/…</c> request. Ids may hold <c>/</c> (sent as <c>%2F</c>), which
/// routing leaves encoded while decoding everything else, so the route value is ambiguous (<c>a%2Fb</c> could be
/// <c>a/b</c> or, sent as <c>a%252Fb</c>, the literal <c>a%2Fb</c>). The raw request target is not: decode that segment once.
/// </summary>
public static class CustomerRoute
{
    private const string Prefix = "/api/customers/";

    public static string Id(HttpContext context, string routeValue)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(routeValue);
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is not null && raw.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            var segment = raw.AsSpan(Prefix.Length);
            var end = segment.IndexOfAny('/', '?');
            if (end >= 0) segment = segment[..end];
            if (segment.Length > 0) return Uri.UnescapeDataString(segment.ToString());
        }

        // No raw target (some test servers): the only encoding routing keeps is %2F.
        return routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
    }
}
