using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Durable.Api;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Functions.Tests.Support;

namespace PrivateFlows.Functions.Tests.Api;

public sealed class CatalogReadsTests
{
    private static readonly ShippedJourneys Journeys = ShippedJourneys.Load(DurableJourneys.JourneysFolder);

    private static async Task<CatalogReads> ReadsAsync()
    {
        var model = await ReadModelData.WithCustomerAsync();
        return new CatalogReads(Journeys, new CustomerBase(model, Journeys), new FakeTimeProvider(ReadModelData.At.AddHours(1)));
    }

    [Fact]
    public async Task Journeys_ListsTheShippedJourneysWithTheirVersion()
    {
        var list = (await ApiCalls.ExecuteAsync((await ReadsAsync()).Journeys())).Json.AsArray();

        list.Select(j => j!["name"]!.GetValue<string>()).Should().Contain(["onboarding", "win-back"]).And.HaveCount(Journeys.Latest.Length);
        var onboarding = list.Single(j => j!["name"]!.GetValue<string>() == "onboarding")!;
        onboarding["latest"]!["version"]!.GetValue<string>().Should().Be(Journeys.Latest.Select(Journeys.Find).Single(v => v!.Name == "onboarding")!.Version);
        onboarding["versions"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task Journey_Known_HasYamlAndTemplates_Unknown404()
    {
        var reads = await ReadsAsync();

        var detail = (await ApiCalls.ExecuteAsync(reads.Journey("onboarding"))).Json;
        var unknown = await ApiCalls.ExecuteAsync(reads.Journey("nope"));

        detail["versions"]![0]!["yaml"]!.GetValue<string>().Should().Contain("onboarding");
        detail["versions"]![0]!["templates"]!.AsArray().Should().NotBeEmpty();
        unknown.Status.Should().Be(404);
        unknown.Json["title"]!.GetValue<string>().Should().Be("Journey not found");
    }

    [Fact]
    public async Task Segments_ListsBuiltInSegments_MembersComeFromTheReadModel()
    {
        var reads = await ReadsAsync();

        var segments = (await ApiCalls.ExecuteAsync(reads.Segments())).Json.AsArray();
        var name = segments[0]!["name"]!.GetValue<string>();
        var members = await ApiCalls.ExecuteAsync(await reads.SegmentCustomersAsync(name, null, null, CancellationToken.None));
        var unknown = await ApiCalls.ExecuteAsync(await reads.SegmentCustomersAsync("no-such-segment", null, null, CancellationToken.None));

        members.Status.Should().Be(200);
        members.Json["segment"]!["name"]!.GetValue<string>().Should().Be(name);
        unknown.Status.Should().Be(404);
    }

    [Fact]
    public async Task SegmentCustomers_CustomerInSegment_IsListed()
    {
        var reads = await ReadsAsync();
        var segments = (await ApiCalls.ExecuteAsync(reads.Segments())).Json.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();

        var counts = new List<int>();
        foreach (var name in segments)
        {
            counts.Add((await ApiCalls.ExecuteAsync(await reads.SegmentCustomersAsync(name, null, null, CancellationToken.None))).Json["count"]!.GetValue<int>());
        }

        counts.Should().Contain(1, "the one customer of the read model is in some segment (at least her lifecycle stage)");
    }
}
