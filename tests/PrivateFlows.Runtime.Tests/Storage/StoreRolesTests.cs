using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>Consumers depend on the store's roles, and one adapter instance plays them all.</summary>
public sealed class StoreRolesTests
{
    [Fact]
    public void Consumers_DependOnRoles_NotOnTheWholeStore()
    {
        // Export and erasure (CustomerPrivacy) touch every role; every other consumer takes only what it uses.
        var wholeStore = typeof(IJourneyStore).Assembly.GetTypes()
            .Concat(typeof(PrivateFlows.Host.Api.Problems).Assembly.GetTypes())
            .Where(t => t != typeof(CustomerPrivacy) && !typeof(IJourneyStore).IsAssignableFrom(t))
            .Where(t => t.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(IJourneyStore))))
            .Select(t => t.FullName)
            .ToList();

        wholeStore.Should().BeEmpty();
    }

    [Fact]
    public void Runtime_DoesNotReferenceSqlite()
    {
        typeof(IJourneyStore).Assembly.GetReferencedAssemblies().Select(a => a.Name).Should().NotContain(n => n!.Contains("Sqlite", StringComparison.OrdinalIgnoreCase));
        typeof(SqliteJourneyStore).Assembly.GetName().Name.Should().Be("PrivateFlows.Runtime.Sqlite");
    }

    [Fact]
    public async Task UseSqlite_EveryRole_ResolvesToTheOneAdapter()
    {
        using var folder = new TempFolder();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PrivateFlows:Sqlite:Path"] = folder.File("store.db") }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPrivateFlowsRuntime(configuration).UseSqlite();
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<SqliteJourneyStore>();

        var roles = typeof(IJourneyStore).GetInterfaces();
        roles.Should().HaveCountGreaterThan(5);
        foreach (var role in roles) provider.GetRequiredService(role).Should().BeSameAs(store, role.Name);
        provider.GetRequiredService<IJourneyStore>().Should().BeSameAs(store);
    }

    [Fact]
    public async Task AddPrivateFlowsRuntime_NoStoreChosen_StartUpSaysSo()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPrivateFlowsRuntime(new ConfigurationBuilder().Build());
        await using var provider = services.BuildServiceProvider();

        var resolve = () => provider.GetRequiredService<StepProcessor>();

        resolve.Should().Throw<InvalidOperationException>().WithMessage("*no store*UseSqlite()*");
    }
}
