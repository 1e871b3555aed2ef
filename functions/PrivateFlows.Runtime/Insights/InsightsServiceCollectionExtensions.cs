using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PrivateFlows.Runtime.Insights;

public static class InsightsServiceCollectionExtensions
{
    /// <summary>
    /// Contact policy (<c>PrivateFlows:ContactPolicy</c>), customer program (<c>PrivateFlows:Program</c>) and costs
    /// (<c>PrivateFlows:Costs</c>), each validated at start-up; journey statistics, A/B winners, KPIs, privacy and
    /// referral reviews. Called by <c>AddPrivateFlowsRuntime</c> before the engine's start-up is registered, so
    /// declared winners are loaded before any input is decided.
    /// </summary>
    public static IServiceCollection AddPrivateFlowsInsights(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ContactPolicyOptions>().Bind(configuration.GetSection(ContactPolicyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ContactPolicyOptions>, ContactPolicyOptionsValidator>();
        services.AddOptions<CustomerProgramOptions>().Bind(configuration.GetSection(CustomerProgramOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CustomerProgramOptions>, CustomerProgramOptionsValidator>();
        services.AddOptions<CostOptions>().Configure(o => o.Load(configuration.GetSection(CostOptions.Section))).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CostOptions>, CostOptionsValidator>();
        services.AddOptions<InsightsOptions>().Bind(configuration.GetSection(InsightsOptions.Section));

        services.AddSingleton<CustomerDirectory>();
        services.AddSingleton<JourneyInsights>();
        services.AddSingleton<CustomerPrivacy>();
        services.AddSingleton<ReferralReviews>();
        services.AddSingleton<InsightsRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<InsightsRefresher>());
        return services;
    }
}
