using PrivateFlows.Runtime;
using PrivateFlows.Runtime.Timers;

namespace PrivateFlows.Host.Hosting;

/// <summary>
/// Virtual clock mode for the host (<c>--clock virtual</c>, or <c>PrivateFlows:Clock = Virtual</c>; start instant
/// <c>--clock-start</c> / <c>PrivateFlows:ClockStart</c>). For trying, demoing and testing journeys that wait days on the
/// local host (embedded store only, <see cref="EmbeddedStore"/>); the Azure app has no virtual clock.
/// </summary>
public static class VirtualClockMode
{
    /// <summary>Command-line switches of the host mapped to their configuration keys.</summary>
    public static IDictionary<string, string> SwitchMappings => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--clock"] = VirtualClockOptions.ModeKey,
        ["--clock-start"] = VirtualClockOptions.StartKey,
    };

    /// <summary>Registers the virtual clock when configured.</summary>
    public static bool Configure(IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        if (!VirtualClockOptions.IsVirtual(configuration)) return false;

        services.AddVirtualClock(configuration);
        return true;
    }
}
