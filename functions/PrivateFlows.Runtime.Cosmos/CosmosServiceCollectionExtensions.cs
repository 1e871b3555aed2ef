using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Cosmos;

public static class CosmosServiceCollectionExtensions
{
    /// <summary>Configuration key choosing the store: <c>Sqlite</c> (default) or <c>Cosmos</c>.</summary>
    public const string StoreKey = "PrivateFlows:Store";

    /// <summary>
    /// Chooses the journey store by <c>PrivateFlows:Store</c>: <c>Sqlite</c> (the default, registered by
    /// <c>AddPrivateFlowsRuntime</c>) or <c>Cosmos</c>. Call after <c>AddPrivateFlowsRuntime</c>.
    /// </summary>
    public static IServiceCollection AddJourneyStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var store = configuration[StoreKey];
        if (string.IsNullOrWhiteSpace(store) || store.Equals("Sqlite", StringComparison.OrdinalIgnoreCase)) return services;
        if (store.Equals("Cosmos", StringComparison.OrdinalIgnoreCase)) return services.AddCosmosJourneyStore(configuration);
        throw new InvalidOperationException($"{StoreKey} is '{store}': use Sqlite (the embedded default) or Cosmos");
    }

    /// <summary>
    /// The Cosmos DB store as <see cref="IJourneyStore"/> (replacing the embedded one), with its settings from
    /// <c>PrivateFlows:Cosmos</c> validated when the host starts.
    /// </summary>
    public static IServiceCollection AddCosmosJourneyStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddOptions<CosmosOptions>().Bind(configuration.GetSection(CosmosOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CosmosOptions>, CosmosOptionsValidator>());
        services.TryAddSingleton(sp => CosmosClientFactory.Create(sp.GetRequiredService<IOptions<CosmosOptions>>().Value));
        services.TryAddSingleton<CosmosTelemetry>();
        services.TryAddSingleton(sp => new CosmosJourneyStore(
            sp.GetRequiredService<CosmosClient>(),
            sp.GetRequiredService<IOptions<CosmosOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<CosmosTelemetry>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<CosmosJourneyStore>>()));
        services.Replace(ServiceDescriptor.Singleton<IJourneyStore>(sp => sp.GetRequiredService<CosmosJourneyStore>()));
        return services;
    }
}
