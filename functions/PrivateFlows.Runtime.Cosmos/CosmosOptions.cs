using System.Net;
using Microsoft.Extensions.Options;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// Settings of the Cosmos DB read model (<c>PrivateFlows:Cosmos</c>). In Azure only <see cref="Endpoint"/> and
/// <see cref="Database"/> are set: the app signs in with its managed identity (<c>DefaultAzureCredential</c>;
/// <c>az login</c> on a laptop). <see cref="Key"/> is for a local emulator only and therefore only accepted for a
/// loopback endpoint.
/// </summary>
public sealed class CosmosOptions
{
    public const string Section = "PrivateFlows:Cosmos";

    /// <summary>Account endpoint, e.g. <c>https://myaccount.documents.azure.com:443/</c> or the emulator's <c>https://127.0.0.1:8081/</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Account key of a local emulator (loopback endpoint only). Empty: Microsoft Entra ID via <c>DefaultAzureCredential</c>.</summary>
    public string? Key { get; set; }

    /// <summary>SQL database holding the containers (<c>customers</c>, <c>history</c>).</summary>
    public string Database { get; set; } = "privateflows";

    /// <summary>
    /// Create the database and containers at start-up when missing. Needs control-plane rights (a key, or an identity
    /// allowed to create containers); in Azure the Bicep template creates them and this stays false.
    /// </summary>
    public bool CreateContainers { get; set; }

    /// <summary>The emulator settings apply: a key is configured (validation makes sure the endpoint is loopback).</summary>
    public bool UsesEmulator => !string.IsNullOrWhiteSpace(Key);

    public Uri EndpointUri => new(Endpoint ?? throw new InvalidOperationException($"{Section}:Endpoint is not set"), UriKind.Absolute);

    internal static bool IsLoopback(Uri endpoint) =>
        endpoint.IsLoopback || (IPAddress.TryParse(endpoint.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}

/// <summary>Checks the Cosmos settings when the host starts, with messages that say what to set.</summary>
public sealed class CosmosOptionsValidator : IValidateOptions<CosmosOptions>
{
    public ValidateOptionsResult Validate(string? name, CosmosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Endpoint))
        {
            errors.Add($"{CosmosOptions.Section}:Endpoint is required for the Cosmos DB read model (the account endpoint, e.g. https://<account>.documents.azure.com:443/)");
        }
        else if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("https" or "http"))
        {
            errors.Add($"{CosmosOptions.Section}:Endpoint '{options.Endpoint}' is not an absolute https:// address");
        }
        else if (options.UsesEmulator && !CosmosOptions.IsLoopback(endpoint))
        {
            errors.Add($"{CosmosOptions.Section}:Key is only for a local emulator (a loopback endpoint); '{endpoint.Host}' is remote: remove the key and sign in with Microsoft Entra ID (managed identity, az login)");
        }

        if (options.UsesEmulator && !Convert.TryFromBase64String(options.Key!, new byte[options.Key!.Length], out _))
        {
            errors.Add($"{CosmosOptions.Section}:Key is not a base64 account key (the emulator's well-known key is)");
        }

        if (string.IsNullOrWhiteSpace(options.Database)) errors.Add($"{CosmosOptions.Section}:Database must not be empty");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
