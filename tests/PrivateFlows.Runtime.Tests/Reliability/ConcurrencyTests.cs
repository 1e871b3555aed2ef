using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Reliability;

public sealed class ConcurrencyTests
{
    private static List<JsonObject> Burst(string customer)
    {
        var events = new List<JsonObject>();
        for (var i = 0; i < 30; i++) events.Add(CloudEvents.Order(customer, $"{customer}-o{i}", 100));
        for (var i = 0; i < 10; i++)
        {
            var opened = CloudEvents.Order(customer, $"{customer}-a{i}", 1);
            opened["type"] = "app.opened";
            opened["data"] = new JsonObject { ["platform"] = "ios" };
            events.Add(opened);
        }

        events.Add(CloudEvents.Order(customer, $"{customer}-o0", 100)); // a duplicate in the burst
        return events;
    }

    private static async Task<string> OutcomeAsync(ApiFactory api, string customer)
    {
        var store = api.Services.GetRequiredService<IJourneyStore>();
        var document = (await store.ReadCustomerAsync(customer))!;
        var p = document.State.Profile;
        // Which app.opened earns under a daily cap depends on arrival order; what is earned per rule does not.
        var ledger = (await store.ReadPointsAsync(customer)).Select(e => $"{e.Rule}={e.Points}").Order(StringComparer.Ordinal);
        // Ended instances are pruned to the newest 20, so which ones remain depends on order; what happened does not.
        var active = document.State.Instances.Where(i => i.IsActive).GroupBy(i => i.Journey).Select(g => $"{g.Key} active x{g.Count()}").Order(StringComparer.Ordinal);
        var history = (await store.ReadCustomerHistoryAsync(customer, 0, 10_000)).Entries
            .GroupBy(h => $"{h.Journey}:{h.Kind}").Select(g => $"{g.Key}x{g.Count()}").Order(StringComparer.Ordinal);
        var instances = active.Concat(history);
        var processed = (await store.ReadEventsAsync(customer, 0, 1000)).Select(e => $"{e.Event.Id}:{e.Status}").Order(StringComparer.Ordinal);
        return string.Join("\n",
            RuntimeJson.Serialize(new { p.Orders, p.Points, p.Tier, p.Tags, p.Attributes, p.Channels }),
            string.Join(",", ledger),
            string.Join(",", instances),
            string.Join(",", processed));
    }

    [Fact]
    public async Task Parallel_requests_for_one_customer_end_in_the_state_a_sequential_run_gives()
    {
        const string customer = "busy";
        using var parallel = new ApiFactory();
        using var sequential = new ApiFactory();
        foreach (var api in new[] { parallel, sequential })
        {
            var response = await api.Client(ApiFactory.ProducerKey).PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered(customer)));
            response.StatusCode.Should().Be(HttpStatusCode.Accepted);
            await api.IdleAsync();
        }

        var burst = Burst(customer);
        var statuses = await Task.WhenAll(burst.Select(async e =>
        {
            using var client = parallel.Client(ApiFactory.ProducerKey);
            using var response = await client.PostAsync("/api/events", CloudEvents.Json(e));
            return response.StatusCode;
        }));
        await parallel.IdleAsync();

        var producer = sequential.Client(ApiFactory.ProducerKey);
        foreach (var e in burst)
        {
            (await producer.PostAsync("/api/events", CloudEvents.Json(e))).StatusCode.Should().Be(HttpStatusCode.Accepted);
            await sequential.IdleAsync();
        }

        statuses.Should().OnlyContain(s => s == HttpStatusCode.Accepted);
        var expected = await OutcomeAsync(sequential, customer);
        var actual = await OutcomeAsync(parallel, customer);
        actual.Should().Be(expected);
        expected.Should().Contain("\"count\":30").And.Contain("\"total\":3000");
    }
}
