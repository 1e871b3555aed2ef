using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Cosmos.Tests.Configuration;

public sealed class CosmosSettingsTests
{
    private static ValidateOptionsResult Validate(CosmosOptions options) => new CosmosOptionsValidator().Validate(null, options);

    [Fact]
    public void A_real_account_needs_only_an_endpoint_and_signs_in_without_a_key()
    {
        var options = new CosmosOptions { Endpoint = "https://acct.documents.azure.com:443/" };
        Validate(options).Succeeded.Should().BeTrue();
        options.UsesEmulator.Should().BeFalse();
    }

    [Theory]
    [InlineData(null, null, "Endpoint is required")]
    [InlineData("not a url", null, "not an absolute https://")]
    [InlineData("https://acct.documents.azure.com:443/", "a-key", "only for a local emulator")]
    [InlineData("https://127.0.0.1:8081/", "not base64!", "not a base64 account key")]
    public void Wrong_settings_fail_at_start_with_what_to_change(string? endpoint, string? key, string message)
    {
        var result = Validate(new CosmosOptions { Endpoint = endpoint, Key = key });
        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain(message);
    }

    [Theory]
    [InlineData("https://127.0.0.1:8081/")]
    [InlineData("https://localhost:8081/")]
    [InlineData("https://[::1]:8081/")]
    public void A_key_is_accepted_for_a_loopback_emulator(string endpoint) =>
        Validate(new CosmosOptions { Endpoint = endpoint, Key = Support.CosmosEmulator.Key }).Succeeded.Should().BeTrue();

    [Fact]
    public void The_read_model_serves_both_the_writing_activities_and_the_api()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PrivateFlows:Cosmos:Endpoint"] = "https://127.0.0.1:1/",
            ["PrivateFlows:Cosmos:Key"] = Support.CosmosEmulator.Key,
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddCosmosCustomerReadModel(configuration).BuildServiceProvider();

        var writer = services.GetRequiredService<ICustomerReadModel>();
        writer.Should().BeOfType<CosmosCustomerReadModel>();
        services.GetRequiredService<ICustomerReadModelReader>().Should().BeSameAs(writer);
    }

    [Fact]
    public void The_containers_file_declares_the_partition_keys_and_indexes_only_what_the_queries_use()
    {
        var containers = ContainerDefinitions.Load().ToDictionary(c => c.Id);
        containers.Keys.Should().BeEquivalentTo([CosmosCustomerReadModel.CustomersContainer, CosmosCustomerReadModel.HistoryContainer]);
        containers.Values.Should().OnlyContain(c => c.PartitionKeyPath == "/customerId");
        foreach (var container in containers.Values)
        {
            container.IndexingPolicy.ExcludedPaths.Select(p => p.Path).Should().Equal("/*");
            container.IndexingPolicy.IncludedPaths.Select(p => p.Path).Should().Contain(["/type/?", "/customerId/?"]);
        }

        containers["history"].IndexingPolicy.IncludedPaths.Select(p => p.Path).Should().Contain(["/seq/?", "/last/?", "/instances/[]/?", "/journeys/[]/?", "/messageIds/[]/?"]);
        containers["customers"].IndexingPolicy.IncludedPaths.Select(p => p.Path).Should().Contain(["/journeys/[]/?", "/acceptedAt/?"]);
        var file = Path.Combine(Paths.Repository, "functions", "PrivateFlows.Runtime.Cosmos", "containers.json");
        ContainerDefinitions.Json().Should().Be(File.ReadAllText(file), "the embedded copy is the file infra/ loads");
    }

    [Fact]
    public void Cosmos_ids_are_safe_in_urls_and_distinct()
    {
        CosmosKeys.Id("history", "i1/4/h0").Should().Be("history:i1~2F4~2Fh0");
        CosmosKeys.Id("message", "a~b").Should().NotBe(CosmosKeys.Id("message", "a/b"));
        CosmosKeys.Id("customer", "林晓").Should().MatchRegex("^customer:[A-Za-z0-9~]+$");
        CosmosKeys.Id("message", new string('x', 300)).Length.Should().BeLessThanOrEqualTo(255);
    }
}
