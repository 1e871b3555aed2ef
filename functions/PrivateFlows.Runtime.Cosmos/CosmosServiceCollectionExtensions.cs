using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.ReadModel;

namespace PrivateFlows.Runtime.Cosmos;

public static class CosmosServiceCollectionExtensions
{
    /// <summary>
    /// The Cosmos DB read model as <see cref="ICustomerReadModel"/> (what the orchestration's activities write) and
    /// <see cref="ICustomerReadModelReader"/> (what the HTTP API reads), with its settings from
    /// <c>PrivateFlows:Cosmos</c> validated when the host starts.
    /// </summary>
    public static IServiceCollection AddCosmosCustomerReadModel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddOptions<CosmosOptions>().Bind(configuration.GetSection(CosmosOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CosmosOptions>, CosmosOptionsValidator>());
        services.TryAddSingleton(sp => CosmosClientFactory.Create(sp.GetRequiredService<IOptions<CosmosOptions>>().Value));
        services.TryAddSingleton<CosmosTelemetry>();
        services.TryAddSingleton(sp => new CosmosCustomerReadModel(
            sp.GetRequiredService<CosmosClient>(),
            sp.GetRequiredService<IOptions<CosmosOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<CosmosTelemetry>(),
            sp.GetRequiredService<ILogger<CosmosCustomerReadModel>>()));
        services.Replace(ServiceDescriptor.Singleton<ICustomerReadModel>(sp => sp.GetRequiredService<CosmosCustomerReadModel>()));
        services.Replace(ServiceDescriptor.Singleton<ICustomerReadModelReader>(sp => sp.GetRequiredService<CosmosCustomerReadModel>()));
        return services;
    }
}
