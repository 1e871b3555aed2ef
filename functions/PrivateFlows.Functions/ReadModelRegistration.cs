using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.ReadModel;

namespace PrivateFlows.Functions;

public static class ReadModelRegistration
{
    /// <summary>
    /// The read model the orchestrations write each step to. The Cosmos DB implementation
    /// (<c>PrivateFlows.Runtime.Cosmos</c>, <c>AddCosmosReadModel</c>) is being built beside this app; until it is
    /// wired here the app refuses to start rather than run journeys whose steps nobody can read.
    /// </summary>
    public static IServiceCollection AddCustomerReadModel(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<ICustomerReadModel>(_ => throw new InvalidOperationException(
            "No customer read model in this build: register PrivateFlows.Runtime.Cosmos' AddCosmosReadModel(configuration) here."));
        return services;
    }
}
