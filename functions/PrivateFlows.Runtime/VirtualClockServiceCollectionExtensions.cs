using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using PrivateFlows.Runtime.Timers;

namespace PrivateFlows.Runtime;

public static class VirtualClockServiceCollectionExtensions
{
    /// <summary>
    /// Virtual clock mode (call after <c>AddPrivateFlowsRuntime</c> and the store registration): the host's
    /// <see cref="TimeProvider"/> becomes a <see cref="VirtualClock"/> that only <see cref="VirtualTime"/> moves, and
    /// the in-process timer loop is replaced by <see cref="VirtualTime"/>, which fires timers as the clock passes them.
    /// Whether the mode is allowed at all (not under the Functions host, not on a production store) is the host's call.
    /// </summary>
    public static IServiceCollection AddVirtualClock(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = VirtualClockOptions.From(configuration);
        var (start, _) = VirtualTime.StartOf(options);
        services.AddSingleton(options);
        services.AddSingleton(new VirtualClock(start));
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<VirtualClock>());

        var loops = services.Where(d => d.ServiceType == typeof(IHostedService) && !d.IsKeyedService && HostedType(d) == typeof(TimerService)).ToList();
        foreach (var loop in loops) services.Remove(loop);
        services.AddSingleton<VirtualTime>();
        services.AddHostedService(sp => sp.GetRequiredService<VirtualTime>());
        return services;
    }

    private static Type? HostedType(ServiceDescriptor d) =>
        d.ImplementationType
        ?? d.ImplementationInstance?.GetType()
        ?? (d.ImplementationFactory?.GetType() is { IsGenericType: true } factory ? factory.GenericTypeArguments[^1] : null);
}
