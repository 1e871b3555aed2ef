using Microsoft.Extensions.DependencyInjection;

namespace PrivateFlows.Runtime.Storage;

/// <summary>Registers one store adapter under every role interface its consumers depend on (one instance for all).</summary>
public static class StoreRoles
{
    public static IServiceCollection AddJourneyStore<TStore>(this IServiceCollection services) where TStore : class, IJourneyStore
    {
        services.AddSingleton<TStore>();
        services.AddSingleton<IJourneyStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IEventInbox>(sp => sp.GetRequiredService<IJourneyStore>());
        services.AddSingleton<ICustomerDocuments>(sp => sp.GetRequiredService<IJourneyStore>());
        services.AddSingleton<IStepCommits>(sp => sp.GetRequiredService<IJourneyStore>());
        services.AddSingleton<ITimerIndex>(sp => sp.GetRequiredService<IJourneyStore>());
        services.AddSingleton<IPoisonInputs>(sp => sp.GetRequiredService<IJourneyStore>());
        services.AddSingleton<IJourneyHistory>(sp => sp.GetRequiredService<IJourneyStore>());
        services.AddSingleton<IMessageLog>(sp => sp.GetRequiredService<IJourneyStore>());
        services.AddSingleton<ICustomerLedgers>(sp => sp.GetRequiredService<IJourneyStore>());
        services.AddSingleton<IJourneyRegistry>(sp => sp.GetRequiredService<IJourneyStore>());
        services.AddSingleton<IEngineStatus>(sp => sp.GetRequiredService<IJourneyStore>());
        services.AddSingleton<IJourneyStatistics>(sp => sp.GetRequiredService<IJourneyStore>());
        services.AddSingleton<ICustomerErasure>(sp => sp.GetRequiredService<IJourneyStore>());
        return services;
    }
}
