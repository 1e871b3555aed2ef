using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Api;

/// <summary>What the producer hears back: duplicates listed once, unknown types warned about (or refused in strict mode).</summary>
public sealed class EventAnswerTests : IDisposable
{
    private readonly List<ApiFactory> _apis = [];

    public void Dispose()
    {
        foreach (var api in _apis) api.Dispose();
    }

    private ApiFactory Api()
    {
        var api = new ApiFactory();
        _apis.Add(api);
        return api;
    }

    private static Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(ApiFactory api, HttpContent content) => PostAsync(api.Client(ApiFactory.ProducerKey), content);

    private static Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(HttpClient client, HttpContent content) => client.PostEventsAsync(content);

    private static string[] Ids(JsonObject body, string list) => [.. body[list]!.AsArray().Select(n => n!.GetValue<string>())];

    [Fact]
    public async Task A_repeated_id_is_listed_only_as_a_duplicate()
    {
        var api = Api();
        await PostAsync(api, CloudEvents.Json(CloudEvents.Order("dupe", "o-1", 10)));

        var (_, again) = await PostAsync(api, CloudEvents.Json(CloudEvents.Order("dupe", "o-1", 10)));

        Ids(again, "accepted").Should().BeEmpty();
        Ids(again, "duplicates").Should().Equal("o-1");
    }

    [Fact]
    public async Task A_batch_that_repeats_an_id_lists_each_id_once_in_one_list()
    {
        var api = Api();
        await PostAsync(api, CloudEvents.Json(CloudEvents.Order("dupe-b", "old", 10)));

        var (status, body) = await PostAsync(api, CloudEvents.Batch(
            CloudEvents.Order("dupe-b", "new", 10), CloudEvents.Order("dupe-b", "new", 10), CloudEvents.Order("dupe-b", "old", 10), CloudEvents.Order("dupe-b", "old", 10)));
        await api.IdleAsync();

        status.Should().Be(HttpStatusCode.Accepted);
        Ids(body, "accepted").Should().Equal("new");
        Ids(body, "duplicates").Should().Equal("old");
        (await api.Services.GetRequiredService<IJourneyStore>().ReadCustomerAsync("dupe-b"))!.State.Profile.Orders.Count.Should().Be(2);
    }

    [Fact]
    public async Task An_unknown_type_is_accepted_with_a_warning_that_suggests_the_known_one_and_is_counted()
    {
        var api = Api();
        var typo = CloudEvents.Order("typo", "typo-1", 10);
        typo["type"] = "order.complete";

        var (status, body) = await PostAsync(api, CloudEvents.Batch(CloudEvents.Registered("typo"), typo));

        status.Should().Be(HttpStatusCode.Accepted);
        var warning = body["warnings"]!.AsArray().Should().ContainSingle().Subject!;
        warning["id"]!.GetValue<string>().Should().Be("typo-1");
        warning["type"]!.GetValue<string>().Should().Be("order.complete");
        warning["message"]!.GetValue<string>().Should().Be("unknown event type; did you mean order.completed?");
        var seen = await api.Client(ApiFactory.OpsKey).GetFromJsonAsync<JsonObject>("/api/events/unknown-types");
        seen!["order.complete"]!.GetValue<long>().Should().Be(1);
    }

    [Fact]
    public async Task Known_types_get_no_warnings_and_a_type_a_published_journey_waits_for_is_known()
    {
        var api = Api();
        var (_, known) = await PostAsync(api, CloudEvents.Json(CloudEvents.Order("known", "k-1", 10)));
        known.ContainsKey("warnings").Should().BeFalse();

        var custom = CloudEvents.Order("known", "k-2", 10);
        custom["type"] = "cart.abandoned";
        (await PostAsync(api, CloudEvents.Json(custom))).Body["warnings"].Should().NotBeNull("no built-in journey uses cart.abandoned");

        var yaml = """
            journey: cart-rescue
            entry:
              event: cart.abandoned
            steps:
              - id: hello
                send: { channel: app_push, template: cart-rescue-hello }
            """;
        var publish = new { yaml, templates = new[] { new { name = "cart-rescue-hello", locale = "zh-CN", text = "hi" }, new { name = "cart-rescue-hello", locale = "en", text = "hi" } } };
        (await api.Client(ApiFactory.MarketerKey).PostAsJsonAsync("/api/journeys", publish)).StatusCode.Should().Be(HttpStatusCode.Created);
        custom["id"] = "k-3";
        (await PostAsync(api, CloudEvents.Json(custom))).Body.ContainsKey("warnings").Should().BeFalse();
    }

    [Fact]
    public async Task In_strict_mode_an_unknown_type_refuses_the_request_and_stores_nothing()
    {
        using var strict = Api().WithWebHostBuilder(b => b.UseSetting("PrivateFlows:Ingest:StrictTypes", "true"));
        using var producer = strict.CreateClient();
        producer.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.ProducerKey);
        var typo = CloudEvents.Order("strict", "s-1", 10);
        typo["type"] = "order.complete";

        var (status, body) = await PostAsync(producer, CloudEvents.Batch(CloudEvents.Registered("strict"), typo));
        await strict.Services.GetRequiredService<CustomerQueues>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        status.Should().Be(HttpStatusCode.BadRequest);
        body["field"]!.GetValue<string>().Should().Be("[1].type");
        body["detail"]!.GetValue<string>().Should().Contain("did you mean order.completed?");
        (await strict.Services.GetRequiredService<IJourneyStore>().ReadCustomerAsync("strict")).Should().BeNull();
        (await PostAsync(producer, CloudEvents.Json(CloudEvents.Registered("strict")))).Status.Should().Be(HttpStatusCode.Accepted);
    }
}
