using Microsoft.AspNetCore.Authentication;

namespace PrivateFlows.Host.Security;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>API-key authentication and one authorization policy per role (named like the role).</summary>
    public static IServiceCollection AddApiKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyOptions>().Bind(configuration.GetSection(ApiKeyOptions.Section));
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Producer, p => p.RequireRole(Roles.Producer))
            .AddPolicy(Roles.Marketer, p => p.RequireRole(Roles.Marketer))
            .AddPolicy(Roles.Ops, p => p.RequireRole(Roles.Ops))
            .AddPolicy(Policies.MarketerOrOps, p => p.RequireRole(Roles.Marketer, Roles.Ops));
        return services;
    }
}

public static class Policies
{
    public const string MarketerOrOps = "marketer-or-ops";
}
