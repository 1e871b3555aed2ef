using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Storage;

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
    [InlineData(null, null, 10, "Endpoint is required")]
    [InlineData("not a url", null, 10, "not an absolute https://")]
    [InlineData("https://acct.documents.azure.com:443/", "a-key", 10, "only for a local emulator")]
    [InlineData("https://127.0.0.1:8081/", "not base64!", 10, "not a base64 account key")]
    [InlineData("https://127.0.0.1:8081/", null, 7, "TimerBucketMinutes must divide a day")]
    public void Wrong_settings_fail_at_start_with_what_to_change(string? endpoint, string? key, int bucketMinutes, string message)
    {
        var result = Validate(new CosmosOptions { Endpoint = endpoint, Key = key, TimerBucketMinutes = bucketMinutes });
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
    public void The_store_is_chosen_by_configuration()
    {
        IServiceProvider Build(string? store)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PrivateFlows:Store"] = store,
                ["PrivateFlows:Cosmos:Endpoint"] = "https://127.0.0.1:1/",
                ["PrivateFlows:Cosmos:Key"] = Support.CosmosEmulator.Key,
            }).Build();
            var services = new ServiceCollection().AddLogging();
            services.AddPrivateFlowsRuntime(configuration);
            services.AddJourneyStore(configuration);
            return services.BuildServiceProvider();
        }

        Build(null).GetRequiredService<IJourneyStore>().Should().BeOfType<SqliteJourneyStore>();
        Build("Sqlite").GetRequiredService<IJourneyStore>().Should().BeOfType<SqliteJourneyStore>();
        Build("Cosmos").GetRequiredService<IJourneyStore>().Should().BeOfType<CosmosJourneyStore>();
        var unknown = () => Build("Postgres");
        unknown.Should().Throw<InvalidOperationException>().WithMessage("*Sqlite*Cosmos*");
    }

    [Fact]
    public void Cosmos_ids_are_safe_in_urls_and_distinct()
    {
        CosmosKeys.Id("timer", "i1/4/timer").Should().Be("timer:i1~2F4~2Ftimer");
        CosmosKeys.Id("event", "a~b").Should().NotBe(CosmosKeys.Id("event", "a/b"));
        CosmosKeys.Id("customer", "林晓").Should().MatchRegex("^customer:[A-Za-z0-9~]+$");
        CosmosKeys.Id("event", new string('x', 300)).Length.Should().BeLessThanOrEqualTo(255);
        CosmosKeys.Bucket(new DateTimeOffset(2025, 3, 3, 2, 17, 59, TimeSpan.Zero), 10).Should().Be("2025-03-03T02:10");
        CosmosKeys.BucketEnd("2025-03-03T02:10", 10).Should().Be(new DateTimeOffset(2025, 3, 3, 2, 20, 0, TimeSpan.Zero));
    }
}
