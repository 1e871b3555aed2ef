using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;

namespace PrivateFlows.Host.Hosting;

/// <summary>
/// A host that cannot start says why in one line on stderr and exits non-zero. The generic host logs a start failure
/// with its stack trace and then rethrows it, so without this a busy port printed two long stack traces.
/// </summary>
public sealed partial class StartFailure
{
    public const int ExitCode = 1;

    /// <summary>The category whose "Hosting failed to start" error is left out until the host has started (the failure is reported once, here).</summary>
    public const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private int _started;

    public void Started() => Interlocked.Exchange(ref _started, 1);

    /// <summary>Log filter for <see cref="HostCategory"/>: its lifecycle debug lines stay out, its errors only once the host runs.</summary>
    public bool Logs(LogLevel level) => level >= LogLevel.Information && (level < LogLevel.Error || Volatile.Read(ref _started) == 1);

    /// <summary>The one line for a failure the operator can fix (a busy port); null for the others, which are rethrown.</summary>
    public static string? Describe(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is not AddressInUseException) continue;
            var match = BoundAddress().Match(error.Message);
            var port = match.Success && int.TryParse(match.Groups["port"].Value, out var p) ? p : (int?)null;
            return port is { } busy
                ? $"port {busy} is in use; start with --urls http://127.0.0.1:{(busy == ushort.MaxValue ? busy - 1 : busy + 1)} or set PrivateFlows:Port"
                : $"the address is in use ({error.Message}); start with --urls http://127.0.0.1:<free port> or set PrivateFlows:Port";
        }

        return null;
    }

    /// <summary>Kestrel says "Failed to bind to address http://127.0.0.1:7071: address already in use."</summary>
    [GeneratedRegex(@"://[^\s]*:(?<port>\d+)")]
    private static partial Regex BoundAddress();

    /// <summary>Refusal to listen beyond loopback without API keys, in one line.</summary>
    public static string KeylessNotLoopback(string address, string keysSection) =>
        $"refusing to start: {address} is not a loopback address and no API keys are configured ({keysSection}); " +
        "without keys every caller has every role. Configure API keys, or listen on 127.0.0.1 / localhost only.";
}
