using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Durable.Api;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Functions.Tests.Support;
using PrivateFlows.Runtime.Insights;

namespace PrivateFlows.Functions.Tests.Api;

public sealed class KpiReadsTests
{
    private static readonly ShippedJourneys Journeys = ShippedJourneys.Load(DurableJourneys.JourneysFolder);

    [Fact]
    public async Task Kpis_CountTheReadModelsCustomersAndListEveryRunningJourney()
    {
        var model = await ReadModelData.WithCustomerAsync();
        var reads = new KpiReads(model, new CustomerBase(model, Journeys), Journeys, Options.Create(new CostOptions()), new FakeTimeProvider(ReadModelData.At.AddHours(1)));

        var answer = await ApiCalls.ExecuteAsync(await reads.KpisAsync(CancellationToken.None));

        answer.Status.Should().Be(200);
        var json = answer.Json;
        json["customers"]!.GetValue<long>().Should().Be(1);
        json["asOf"]!.GetValue<DateTimeOffset>().Should().Be(ReadModelData.At.AddHours(1));
        json["lifetimeValueByTier"]!["member"]!.GetValue<decimal>().Should().Be(0);
        json["activityRate"]!["trials"]!.GetValue<long>().Should().Be(1);
        json["journeys"]!.AsArray().Select(j => j!["journey"]!.GetValue<string>()).Should().HaveCount(Journeys.Latest.Length).And.Contain("onboarding");
        json["roi"].Should().BeNull("nothing cost anything yet");
    }
}
