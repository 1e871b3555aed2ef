namespace PrivateFlows.Host.Hosting;

/// <summary>
/// Where the host listens: <c>PrivateFlows:Port</c> (default 7071). Loopback only unless API keys
/// are configured: without keys every caller has every role, so the API must not be reachable from the network.
/// </summary>
public static class ListenAddress
{
    public const int DefaultPort = 7071;

    public static int Port(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetValue("PrivateFlows:Port", DefaultPort);
    }
}
