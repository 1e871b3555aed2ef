using PrivateFlows.Runtime;
using PrivateFlows.Runtime.Cosmos;
using PrivateFlows.Runtime.Timers;

namespace PrivateFlows.Host.Hosting;

/// <summary>
/// Virtual clock mode for the host (<c>--clock virtual</c>, or <c>PrivateFlows:Clock = Virtual</c>; start instant
/// <c>--clock-start</c> / <c>PrivateFlows:ClockStart</c>). For trying, demoing and testing journeys that wait days:
/// refused on a non-embedded store in the Production environment, where a clock
/// that anyone with the ops key can move would break real customers' journeys.
/// </summary>
public static class VirtualClockMode
{
    /// <summary>Command-line switches of the host mapped to their configuration keys.</summary>
    public static IDictionary<string, string> SwitchMappings => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--clock"] = VirtualClockOptions.ModeKey,
        ["--clock-start"] = VirtualClockOptions.StartKey,
    };

    /// <summary>Registers the virtual clock when configured; throws with the reason when it is not allowed here.</summary>
    public static bool Configure(IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        if (!VirtualClockOptions.IsVirtual(configuration)) return false;
        if (Refusal(configuration, environment) is { } reason)
        {
            throw new InvalidOperationException($"Virtual clock mode refused: {reason}. Start the host without --clock virtual (or set {VirtualClockOptions.ModeKey} = Real).");
        }

        services.AddVirtualClock(configuration);
        return true;
    }

    /// <summary>Why the virtual clock may not run in this configuration, or null when it may.</summary>
    public static string? Refusal(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var store = configuration[CosmosServiceCollectionExtensions.StoreKey];
        var embedded = string.IsNullOrWhiteSpace(store) || store.Equals("Sqlite", StringComparison.OrdinalIgnoreCase);
        if (!embedded && environment.IsProduction())
        {
            return $"{CosmosServiceCollectionExtensions.StoreKey} is '{store}' in the Production environment: the virtual clock runs on the embedded store, or in a non-production environment (ASPNETCORE_ENVIRONMENT=Development)";
        }

        return null;
    }
}
