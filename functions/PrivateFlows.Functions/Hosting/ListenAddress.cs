namespace PrivateFlows.Functions.Hosting;

/// <summary>
/// Where the host listens: the port the Azure Functions host hands a custom handler in
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, else <c>PrivateFlows:Port</c> (default 7071). Loopback only unless API keys
/// are configured: without keys every caller has every role, so the API must not be reachable from the network.
/// </summary>
public static class ListenAddress
{
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const int DefaultPort = 7071;

    public static int Port(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var handed = configuration[CustomHandlerPortVariable] ?? Environment.GetEnvironmentVariable(CustomHandlerPortVariable);
        if (int.TryParse(handed, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536) return port;
        return configuration.GetValue("PrivateFlows:Port", DefaultPort);
    }
}
