using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PrivateFlows.Durable.Activities;
using PrivateFlows.Durable.Ingress;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Durable.Orchestration;
using PrivateFlows.Runtime;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Journeys;

namespace PrivateFlows.Durable;

public static class DurableServiceCollectionExtensions
{
    /// <summary>
    /// Journeys as Durable orchestrations: the shipped journeys (<c>PrivateFlows:Journeys:Path</c>, relative to the
    /// app folder), contact policy and customer program (<c>PrivateFlows:ContactPolicy</c>, <c>PrivateFlows:Program</c>),
    /// the orchestrator on real time, its activities, channel adapters and the Service Bus ingress. The read model
    /// (<c>ICustomerReadModel</c>) is registered by the host.
    /// </summary>
    public static IServiceCollection AddPrivateFlowsDurable(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddPrivateFlowsChannels(configuration);
        services.AddOptions<JourneyOptions>().Bind(configuration.GetSection(JourneyOptions.Section));
        services.AddOptions<ContactPolicyOptions>().Bind(configuration.GetSection(ContactPolicyOptions.Section));
        services.AddOptions<CustomerProgramOptions>().Bind(configuration.GetSection(CustomerProgramOptions.Section));
        services.AddOptions<EventTopicOptions>().Bind(configuration.GetSection(EventTopicOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var path = sp.GetRequiredService<IOptions<JourneyOptions>>().Value.Path ?? "journeys";
            var folder = Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
            var policy = sp.GetRequiredService<IOptions<ContactPolicyOptions>>().Value.ToPolicy();
            var program = sp.GetRequiredService<IOptions<CustomerProgramOptions>>().Value.ToProgram();
            var problems = policy.Problems.Select(p => $"{ContactPolicyOptions.Section}: {p}").Concat(program.Problems.Select(p => $"{CustomerProgramOptions.Section}: {p}")).ToList();
            if (problems.Count > 0) throw new OptionsValidationException(nameof(ShippedJourneys), typeof(ContactPolicyOptions), problems);
            return ShippedJourneys.Load(folder, policy.Policy, program.Program);
        });
        services.AddSingleton(JourneyClock.RealTime);
        services.AddSingleton(sp => new CustomerOrchestrator(sp.GetRequiredService<ShippedJourneys>(), sp.GetRequiredService<JourneyClock>()));
        services.AddSingleton<JourneyVersionsActivity>();
        services.AddSingleton<MessageDelivery>();
        services.AddSingleton<StepWriter>();
        services.AddSingleton<ReferrerCredits>();
        services.AddSingleton<CustomerOrchestrations>();
        services.AddSingleton<CustomerEventIngress>();
        services.AddSingleton<EventPublisher>();
        services.AddSingleton(sp =>
        {
            var topic = sp.GetRequiredService<IOptions<EventTopicOptions>>().Value;
            var ns = topic.FullyQualifiedNamespace ?? configuration["ServiceBusConnection:fullyQualifiedNamespace"]
                ?? throw new InvalidOperationException($"set {EventTopicOptions.Section}:FullyQualifiedNamespace (or ServiceBusConnection__fullyQualifiedNamespace)");
            return new ServiceBusClient(ns, new DefaultAzureCredential());
        });
        services.AddSingleton(sp => sp.GetRequiredService<ServiceBusClient>().CreateSender(sp.GetRequiredService<IOptions<EventTopicOptions>>().Value.Topic));
        services.AddSingleton(sp => new PoisonQueue(
            sp.GetRequiredService<ServiceBusClient>().CreateSender(sp.GetRequiredService<IOptions<EventTopicOptions>>().Value.PoisonQueue),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<PoisonQueue>>()));
        return services;
    }
}
