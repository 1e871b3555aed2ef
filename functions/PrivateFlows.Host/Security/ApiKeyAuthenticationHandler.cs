using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace PrivateFlows.Host.Security;

/// <summary>
/// Authenticates <c>X-Api-Key: &lt;key&gt;</c> or <c>Authorization: Bearer &lt;key&gt;</c> against the configured keys
/// (compared in constant time) and gives the caller the roles of that key. 401 without a valid key, 403 for the wrong role.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<ApiKeyOptions> keys) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var configured = keys.CurrentValue;
        if (!configured.Any) return Task.FromResult(Success("dev", Roles.All));

        var presented = Presented();
        if (presented is null) return Task.FromResult(AuthenticateResult.NoResult());
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var roles = configured.Keys
            .Where(k => CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), presentedHash))
            .Select(k => k.Role)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(roles.Count == 0 ? AuthenticateResult.Fail("invalid API key") : Success("key", roles));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{SchemeName}, Bearer";
        return Problem(StatusCodes.Status401Unauthorized, "API key required", $"send a valid key in the {HeaderName} header or as Authorization: Bearer <key>");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problem(StatusCodes.Status403Forbidden, "Wrong role", "this API key's role may not call this endpoint");

    private string? Presented()
    {
        if (Request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrWhiteSpace(header)) return header.ToString().Trim();
        var authorization = Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    private AuthenticateResult Success(string name, IEnumerable<string> roles)
    {
        var identity = new ClaimsIdentity(roles.Select(r => new Claim(ClaimTypes.Role, r)).Prepend(new Claim(ClaimTypes.Name, name)), SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private Task Problem(int status, string title, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Title = title, Detail = detail }).ExecuteAsync(Context);
}
