using Microsoft.Extensions.DependencyInjection;

namespace PrivateFlows.Runtime.Storage;

/// <summary>Registers every role interface the engine's consumers depend on, each resolving to the one store adapter.</summary>
public static class StoreRoles
{
    /// <summary>What start-up says when no adapter was chosen.</summary>
    public const string NoStore = "PrivateFlows has no store: choose one on the runtime, e.g. services.AddPrivateFlowsRuntime(configuration).UseSqlite()";

    public static IServiceCollection AddStoreRoles(this IServiceCollection services)
    {
        services.AddSingleton<IEventInbox>(Store);
        services.AddSingleton<ICustomerDocuments>(Store);
        services.AddSingleton<IStepCommits>(Store);
        services.AddSingleton<ITimerIndex>(Store);
        services.AddSingleton<IPoisonInputs>(Store);
        services.AddSingleton<IJourneyHistory>(Store);
        services.AddSingleton<IMessageLog>(Store);
        services.AddSingleton<ICustomerLedgers>(Store);
        services.AddSingleton<IJourneyRegistry>(Store);
        services.AddSingleton<IEngineStatus>(Store);
        services.AddSingleton<IJourneyStatistics>(Store);
        services.AddSingleton<ICustomerErasure>(Store);
        return services;
    }

    private static IJourneyStore Store(IServiceProvider services) =>
        services.GetService<IJourneyStore>() ?? throw new InvalidOperationException(NoStore);
}
