using PrivateFlows.Functions.Hosting;

namespace PrivateFlows.Functions.CustomHandler;

/// <summary>
/// Whether the app runs as an Azure Functions custom handler: the Functions host starts it and hands it its port in
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>. Then the app listens on 127.0.0.1 only, answers the host's invocations
/// (<c>POST /ProcessCustomerEvent</c>, <c>POST /FireDueTimers</c>) and leaves timers to the timer trigger.
/// </summary>
public static class CustomHandlerMode
{
    public static bool IsOn(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var port = configuration[ListenAddress.CustomHandlerPortVariable] ?? Environment.GetEnvironmentVariable(ListenAddress.CustomHandlerPortVariable);
        return !string.IsNullOrWhiteSpace(port);
    }
}
