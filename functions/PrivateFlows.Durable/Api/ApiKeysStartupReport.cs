using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PrivateFlows.Durable.Api;

/// <summary>Says at start-up which roles have keys, and loudly when none has: then every data route answers 503 (fail closed).</summary>
public sealed partial class ApiKeysStartupReport(IOptions<ApiKeyOptions> keys, ILogger<ApiKeysStartupReport> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var roles = keys.Value.Keys.Select(k => k.Role).Distinct(StringComparer.Ordinal).ToList();
        if (roles.Count == 0) LogNoKeys(ApiKeyOptions.Section);
        else LogRoles(string.Join(", ", roles));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "No API keys configured ({Section}:Producer|Marketer|Ops:N): every HTTP data route answers 503; only /api/healthz and the dashboard's files are served")]
    private partial void LogNoKeys(string section);

    [LoggerMessage(Level = LogLevel.Information, Message = "API keys configured for roles {Roles}")]
    private partial void LogRoles(string roles);
}
