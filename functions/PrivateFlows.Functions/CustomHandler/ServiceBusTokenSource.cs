using Azure.Core;

namespace PrivateFlows.Functions.CustomHandler;

/// <summary>Entra ID access tokens for the Service Bus data plane (tests replace it with a fake).</summary>
public interface IServiceBusTokenSource
{
    /// <summary>The scope every Service Bus data-plane token is requested for.</summary>
    const string Scope = "https://servicebus.azure.net/.default";

    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Tokens from an Azure.Identity credential (<c>DefaultAzureCredential</c> in production: the app's user-assigned
/// managed identity via <c>AZURE_CLIENT_ID</c>, your az/azd login on a laptop), cached until shortly before they expire.
/// </summary>
public sealed class CredentialTokenSource(TokenCredential credential, TimeProvider clock) : IServiceBusTokenSource
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _token;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (Fresh(_token) is { } cached) return cached;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh(_token) is { } again) return again;
            var token = await credential.GetTokenAsync(new TokenRequestContext([IServiceBusTokenSource.Scope]), cancellationToken).ConfigureAwait(false);
            _token = token;
            return token.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private string? Fresh(AccessToken? token)
    {
        if (token is not { } t) return null;
        var now = clock.GetUtcNow();
        var refreshAt = t.RefreshOn is { } refreshOn && refreshOn < t.ExpiresOn - RefreshMargin ? refreshOn : t.ExpiresOn - RefreshMargin;
        return now < refreshAt ? t.Token : null;
    }
}
