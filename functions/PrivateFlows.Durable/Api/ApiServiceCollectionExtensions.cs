using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateFlows.Durable.Ingress;
using PrivateFlows.Runtime.DeadLetters;
using PrivateFlows.Runtime.Insights;

namespace PrivateFlows.Durable.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// The HTTP API of the Azure app: API keys (<c>PrivateFlows:ApiKeys</c>, checked at start), the read routes over
    /// <c>ICustomerReadModelReader</c> (registered with the read model), erase, the dead letters of the journeys
    /// subscription and the dashboard's files (<c>wwwroot/</c> in the app folder). Needs <c>AddPrivateFlowsDurable</c>.
    /// </summary>
    public static IServiceCollection AddPrivateFlowsApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ApiKeyOptions>().Bind(configuration.GetSection(ApiKeyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        services.AddHostedService<ApiKeysStartupReport>();
        services.AddSingleton<ApiAccess>();
        services.AddSingleton<CustomerBase>();
        services.AddSingleton<CustomerReads>();
        services.AddSingleton<CatalogReads>();
        services.AddSingleton<CustomerErasure>();
        services.AddSingleton<CustomerExports>();
        services.AddOptions<CostOptions>().Configure(o => o.Load(configuration.GetSection(CostOptions.Section))).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CostOptions>, CostOptionsValidator>();
        services.AddSingleton<JourneyStatsReads>();
        services.AddSingleton<KpiReads>();
        services.AddSingleton(sp =>
        {
            var topic = sp.GetRequiredService<IOptions<EventTopicOptions>>().Value;
            var receiver = sp.GetRequiredService<ServiceBusClient>().CreateReceiver(topic.Topic, topic.Subscription,
                new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.PeekLock });
            return new DeadLetters(receiver, sp.GetRequiredService<ServiceBusSender>(), sp.GetRequiredService<ILogger<DeadLetters>>());
        });
        services.AddSingleton<DeadLetterOps>();
        services.AddSingleton(sp => new PoisonInputs(sp.GetRequiredService<ServiceBusClient>().CreateReceiver(
            sp.GetRequiredService<IOptions<EventTopicOptions>>().Value.PoisonQueue, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock })));
        services.AddSingleton(new DashboardFiles(Path.Combine(AppContext.BaseDirectory, "wwwroot")));
        return services;
    }
}
