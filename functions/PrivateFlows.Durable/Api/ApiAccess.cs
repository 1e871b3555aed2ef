using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace PrivateFlows.Durable.Api;

/// <summary>
/// Who may call which HTTP function: the key in <c>X-Api-Key</c> or <c>Authorization: Bearer</c>, compared in constant
/// time with the configured keys (as the local host does), gives the caller its roles. 401 without a valid key, 403
/// with the wrong role, 503 when no key is configured at all (no dev mode in Azure). Functions not listed in
/// <see cref="ApiFunctions"/> refuse everyone, so a new function is closed until someone gives it roles.
/// </summary>
public sealed class ApiAccess(IOptionsMonitor<ApiKeyOptions> keys)
{
    public const string HeaderName = "X-Api-Key";

    /// <summary>Null when <paramref name="request"/> may call function <paramref name="functionName"/>; otherwise the refusal to send.</summary>
    public ApiResponse? Check(string functionName, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApiFunctions.IsAnonymous(functionName)) return null;
        var allowed = ApiFunctions.RolesFor(functionName);
        if (allowed is null) return ApiResponse.Problem(StatusCodes.Status403Forbidden, "Wrong role", $"no role may call '{functionName}'");

        var configured = keys.CurrentValue;
        if (!configured.Any)
        {
            return ApiResponse.Problem(StatusCodes.Status503ServiceUnavailable, "API keys not configured",
                $"the app has no API keys ({ApiKeyOptions.Section}), so it answers no data route");
        }

        var roles = RolesOf(Presented(request), configured);
        if (roles.Count == 0)
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "ApiKey, Bearer";
            return ApiResponse.Problem(StatusCodes.Status401Unauthorized, "API key required", $"send a valid key in the {HeaderName} header or as Authorization: Bearer <key>");
        }

        return roles.Overlaps(allowed) ? null : ApiResponse.Problem(StatusCodes.Status403Forbidden, "Wrong role", "this API key's role may not call this endpoint");
    }

    private static HashSet<string> RolesOf(string? presented, ApiKeyOptions configured)
    {
        if (string.IsNullOrEmpty(presented)) return [];
        // Hashing both sides gives equal lengths, so the comparison time says nothing about the key.
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return configured.Keys
            .Where(k => CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(k.Key.Trim())), presentedHash))
            .Select(k => k.Role)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrWhiteSpace(header)) return header.ToString().Trim();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }
}
