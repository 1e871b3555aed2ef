using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Durable.Api;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Functions.Tests.Support;
using PrivateFlows.Runtime.ReadModel;

namespace PrivateFlows.Functions.Tests.Api;

/// <summary>The read routes in Azure answer the local host's paths with its JSON shapes, from the read model.</summary>
public sealed class CustomerReadsTests
{
    private static readonly ShippedJourneys Journeys = ShippedJourneys.Load(DurableJourneys.JourneysFolder);

    private static CustomerReads Reads(InMemoryCustomerReadModel model) =>
        new(model, new CustomerBase(model, Journeys), new FakeTimeProvider(ReadModelData.At.AddHours(1)));

    [Fact]
    public async Task Customer_Known_ShowsTheLocalHostsCustomerView()
    {
        var reads = Reads(await ReadModelData.WithCustomerAsync());

        var answer = await ApiCalls.ExecuteAsync(await reads.CustomerAsync("c-1", CancellationToken.None));

        answer.Status.Should().Be(200);
        answer.ContentType.Should().StartWith("application/json");
        var json = answer.Json;
        json["customerId"]!.GetValue<string>().Should().Be("c-1");
        json["version"]!.GetValue<long>().Should().Be(3);
        json["profile"]!["points"]!.GetValue<long>().Should().Be(50);
        json["instances"]![0]!["instanceId"]!.GetValue<string>().Should().Be(ReadModelData.InstanceId);
        json["instances"]![0]!["status"]!.GetValue<string>().Should().Be("active", "enums are snake_case strings as on the local host");
        json["pendingEffects"]!.GetValue<int>().Should().Be(0);
        json["timers"]![0]!["timerId"]!.GetValue<string>().Should().Be("timer-1");
        json["timers"]![0]!["dueAt"]!.GetValue<DateTimeOffset>().Should().Be(ReadModelData.At.AddDays(1));
    }

    [Fact]
    public async Task Customer_Unknown_Answers404Problem()
    {
        var reads = Reads(await ReadModelData.WithCustomerAsync());

        var answer = await ApiCalls.ExecuteAsync(await reads.CustomerAsync("nobody", CancellationToken.None));

        answer.Status.Should().Be(404);
        answer.ContentType.Should().StartWith("application/problem+json");
        answer.Json["title"]!.GetValue<string>().Should().Be("Customer not found");
        answer.Json["detail"]!.GetValue<string>().Should().Contain("nobody", "the dashboard tells a missing customer from a missing route by the detail");
    }

    [Fact]
    public async Task Instances_Messages_Points_ReadTheCustomersRecords()
    {
        var reads = Reads(await ReadModelData.WithCustomerAsync());

        var instances = (await ApiCalls.ExecuteAsync(await reads.InstancesAsync("c-1", CancellationToken.None))).Json.AsArray();
        var messages = (await ApiCalls.ExecuteAsync(await reads.MessagesAsync("c-1", null, CancellationToken.None))).Json.AsArray();
        var points = (await ApiCalls.ExecuteAsync(await reads.PointsAsync("c-1", CancellationToken.None))).Json;

        instances.Should().ContainSingle();
        messages.Should().ContainSingle().Which!["effectId"]!.GetValue<string>().Should().Be("m-1");
        points["balance"]!.GetValue<long>().Should().Be(50);
        points["entries"]!.AsArray().Should().ContainSingle().Which!["points"]!.GetValue<long>().Should().Be(50);
        (await ApiCalls.ExecuteAsync(await reads.InstancesAsync("nobody", CancellationToken.None))).Status.Should().Be(404);
        (await ApiCalls.ExecuteAsync(await reads.PointsAsync("nobody", CancellationToken.None))).Status.Should().Be(404);
    }

    [Fact]
    public async Task History_PagesWithAfterLikeTheLocalHost()
    {
        var reads = Reads(await ReadModelData.WithCustomerAsync());

        var first = (await ApiCalls.ExecuteAsync(await reads.HistoryAsync("c-1", null, 1, CancellationToken.None))).Json;
        var next = first["next"]!.GetValue<long>();
        var second = (await ApiCalls.ExecuteAsync(await reads.HistoryAsync("c-1", next, 1, CancellationToken.None))).Json;

        first["entries"]!.AsArray().Should().ContainSingle().Which!["entryId"]!.GetValue<string>().Should().Be("h-1");
        second["entries"]!.AsArray().Should().ContainSingle().Which!["entryId"]!.GetValue<string>().Should().Be("h-2");
        second["next"].Should().BeNull();
    }

    [Fact]
    public async Task Instance_Known_ShowsStateAndHistory_Unknown404()
    {
        var reads = Reads(await ReadModelData.WithCustomerAsync());

        var view = (await ApiCalls.ExecuteAsync(await reads.InstanceAsync(ReadModelData.InstanceId, null, null, CancellationToken.None))).Json;
        var unknown = await ApiCalls.ExecuteAsync(await reads.InstanceAsync("nope", null, null, CancellationToken.None));

        view["customerId"]!.GetValue<string>().Should().Be("c-1");
        view["instance"]!["stepId"]!.GetValue<string>().Should().Be("wait-a-day");
        view["history"]!.AsArray().Select(h => h!["entryId"]!.GetValue<string>()).Should().Equal("h-1", "h-2");
        unknown.Status.Should().Be(404);
        unknown.Json["title"]!.GetValue<string>().Should().Be("Instance not found");
    }

    [Fact]
    public async Task Segments_OfACustomer_NameLifecycleAndRfm()
    {
        var reads = Reads(await ReadModelData.WithCustomerAsync());

        var json = (await ApiCalls.ExecuteAsync(await reads.SegmentsAsync("c-1", CancellationToken.None))).Json;

        json["lifecycle"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        json["rfm"].Should().NotBeNull();
        json["tier"]!.GetValue<string>().Should().Be("member");
    }
}
