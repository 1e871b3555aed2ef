using Azure.Identity;
using Microsoft.Azure.Cosmos;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// Builds the one <see cref="CosmosClient"/> of the app. A real account: Microsoft Entra ID through
/// <see cref="DefaultAzureCredential"/> (managed identity in Azure, <c>az login</c> on a laptop), the SDK's defaults.
/// The local emulator (a key on a loopback endpoint): Gateway mode, <c>LimitToEndpoint</c>, its self-signed
/// certificate accepted, and no instance-metadata probing (there is no Azure VM to ask).
/// </summary>
public static class CosmosClientFactory
{
    public static CosmosClient Create(CosmosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = options.EndpointUri;
        var settings = new CosmosClientOptions
        {
            ApplicationName = "PrivateFlows",
            EnableContentResponseOnWrite = false,
        };
        if (!options.UsesEmulator) return new CosmosClient(endpoint.ToString(), new DefaultAzureCredential(), settings);

        if (!CosmosOptions.IsLoopback(endpoint)) throw new InvalidOperationException("an account key is only used for a local emulator on a loopback endpoint");
        // The SDK asks the Azure instance metadata service about the VM it runs on; on a laptop or in CI there is none.
        Environment.SetEnvironmentVariable("COSMOS_DISABLE_IMDS_ACCESS", "true");
        settings.ConnectionMode = ConnectionMode.Gateway;
        settings.LimitToEndpoint = true;
        settings.HttpClientFactory = EmulatorHttpClient;
        return new CosmosClient(endpoint.ToString(), options.Key, settings);
    }

    /// <summary>The emulator serves a self-signed certificate on loopback; nothing else ever gets this client.</summary>
    private static HttpClient EmulatorHttpClient() =>
        new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
        });
}
