using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace PrivateFlows.Durable.Api;

/// <summary>Optional numeric query parameters (<c>?limit=</c>, <c>?after=</c>); a value that is not a number counts as absent, as the local host's clamps do for out-of-range ones.</summary>
public static class ApiQuery
{
    public static int? Int(HttpRequest request, string name) =>
        int.TryParse(Text(request, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static long? Long(HttpRequest request, string name) =>
        long.TryParse(Text(request, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static string? Text(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Query[name].ToString();
        return value.Length == 0 ? null : value;
    }
}
