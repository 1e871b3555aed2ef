using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PrivateFlows.Durable;
using PrivateFlows.Durable.Api;
using PrivateFlows.Functions.Http;
using PrivateFlows.Runtime.ReadModel;

namespace PrivateFlows.Functions.Tests.Api;

/// <summary>The app's registrations (as Program.cs makes them) build every HTTP function class and check the keys at start.</summary>
public sealed class ApiRegistrationTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PrivateFlows:ServiceBus:FullyQualifiedNamespace"] = "privateflows-test.example.test",
        }.Concat(settings)).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPrivateFlowsDurable(configuration);
        var readModel = new InMemoryCustomerReadModel();
        services.AddSingleton<ICustomerReadModel>(readModel).AddSingleton<ICustomerReadModelReader>(readModel);
        services.AddPrivateFlowsApi(configuration);
        services.AddSingleton<ApiKeyMiddleware>().AddSingleton<CustomerFunctions>().AddSingleton<CatalogFunctions>().AddSingleton<DeadLetterFunctions>().AddSingleton<DashboardFunctions>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    [Fact]
    public async Task EveryHttpFunctionClass_Resolves()
    {
        // Async dispose: the Service Bus clients only implement IAsyncDisposable.
        await using var services = Services(new() { ["PrivateFlows:ApiKeys:Ops:0"] = "ops-key-0123456789abcdef" });

        services.GetRequiredService<ApiKeyMiddleware>().Should().NotBeNull();
        services.GetRequiredService<CustomerFunctions>().Should().NotBeNull();
        services.GetRequiredService<CatalogFunctions>().Should().NotBeNull();
        services.GetRequiredService<DeadLetterFunctions>().Should().NotBeNull();
        services.GetRequiredService<DashboardFunctions>().Should().NotBeNull();
        services.GetServices<IHostedService>().OfType<ApiKeysStartupReport>().Should().ContainSingle();
        services.GetRequiredService<DashboardFiles>().Root.Should().Be(Path.Combine(AppContext.BaseDirectory, "wwwroot") + Path.DirectorySeparatorChar);
    }

    [Fact]
    public async Task ShortApiKey_FailsOptionsValidation()
    {
        await using var services = Services(new() { ["PrivateFlows:ApiKeys:Ops:0"] = "short" });

        var read = () => services.GetRequiredService<IOptions<ApiKeyOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().WithMessage("*ops*");
    }
}
