using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime;

/// <summary>
/// What <c>AddPrivateFlowsRuntime</c> returns: the engine without a store. A store adapter is chosen by a call on it
/// (<c>.UseSqlite()</c>), which registers its <see cref="IJourneyStore"/>; the engine's roles resolve to that one instance.
/// </summary>
public sealed class PrivateFlowsRuntimeBuilder(IServiceCollection services, IConfiguration configuration)
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration Configuration { get; } = configuration;

    /// <summary>Makes <typeparamref name="TStore"/> (one singleton) the engine's store; for adapters' <c>UseX()</c> methods.</summary>
    public PrivateFlowsRuntimeBuilder UseStore<TStore>() where TStore : class, IJourneyStore
    {
        Services.AddSingleton<TStore>();
        Services.AddSingleton<IJourneyStore>(sp => sp.GetRequiredService<TStore>());
        return this;
    }
}
