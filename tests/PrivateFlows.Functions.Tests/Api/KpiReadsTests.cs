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
        var stats = new JourneyStatsReads(model, Journeys, Options.Create(new CostOptions { PerMessage = 0.5m }));
        var reads = new KpiReads(new CustomerBase(model, Journeys), Journeys, stats, new FakeTimeProvider(ReadModelData.At.AddHours(1)));

        var answer = await ApiCalls.ExecuteAsync(await reads.KpisAsync(CancellationToken.None));

        answer.Status.Should().Be(200);
        var json = answer.Json;
        json["customers"]!.GetValue<long>().Should().Be(1);
        json["asOf"]!.GetValue<DateTimeOffset>().Should().Be(ReadModelData.At.AddHours(1));
        json["lifetimeValueByTier"]!["member"]!.GetValue<decimal>().Should().Be(0);
        json["activityRate"]!["trials"]!.GetValue<long>().Should().Be(1);
        json["journeys"]!.AsArray().Select(j => j!["journey"]!.GetValue<string>()).Should().HaveCount(Journeys.Latest.Length).And.Contain("onboarding");
        var onboarding = json["journeys"]!.AsArray().Single(j => j!["journey"]!.GetValue<string>() == "onboarding")!;
        onboarding["entered"]!.GetValue<long>().Should().Be(1);
        onboarding["messageCost"]!.GetValue<decimal>().Should().Be(0.5m, "one message sent at the configured price");
        json["cost"]!.GetValue<decimal>().Should().Be(0.5m);
        json["roi"]!.GetValue<double>().Should().Be(-1, "cost without revenue");
    }

    [Fact]
    public async Task Stats_RunningJourney_FunnelSeriesAndCostFromItsFacts_Unknown404()
    {
        var model = await ReadModelData.WithCustomerAsync();
        var stats = new JourneyStatsReads(model, Journeys, Options.Create(new CostOptions { PerMessage = 0.5m }));

        var answer = await ApiCalls.ExecuteAsync(await stats.StatsAsync("onboarding", CancellationToken.None));
        var unknown = await ApiCalls.ExecuteAsync(await stats.StatsAsync("nope", CancellationToken.None));

        answer.Status.Should().Be(200);
        var json = answer.Json;
        json["journey"]!.GetValue<string>().Should().Be("onboarding");
        json["variants"]!.AsArray().Sum(v => v!["entered"]!.GetValue<long>()).Should().Be(1);
        json["series"]!.AsArray().Should().ContainSingle().Which!["sends"]!.GetValue<int>().Should().Be(1);
        json["series"]![0]!["date"]!.GetValue<string>().Should().Be("2026-12-01");
        json["messageCost"]!.GetValue<decimal>().Should().Be(0.5m);
        json["winnerDeclared"]!.GetValue<bool>().Should().BeFalse();
        unknown.Status.Should().Be(404);
        unknown.Json["title"]!.GetValue<string>().Should().Be("Journey not found");
    }
}
