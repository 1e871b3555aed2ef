using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Api;

public sealed class EventApiTests : IDisposable
{
    private readonly ApiFactory _api = new();
    private readonly HttpClient _producer;

    public EventApiTests() => _producer = _api.Client(ApiFactory.ProducerKey);

    public void Dispose() => _api.Dispose();

    private IJourneyStore Store => _api.Services.GetRequiredService<IJourneyStore>();

    private Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(HttpContent content) => _producer.PostEventsAsync(content);

    private async Task NothingStoredFor(string customer)
    {
        await _api.IdleAsync();
        (await Store.ReadEventsAsync(customer, 0, 10)).Should().BeEmpty();
        (await Store.ReadCustomerAsync(customer)).Should().BeNull();
    }

    [Fact]
    public async Task One_event_is_accepted_with_its_id_and_a_repeat_is_accepted_once()
    {
        var (status, body) = await PostAsync(CloudEvents.Json(CloudEvents.Order("c1", "o-1", 159.0)));
        var (again, againBody) = await PostAsync(CloudEvents.Json(CloudEvents.Order("c1", "o-1", 159.0), "application/json"));
        await _api.IdleAsync();

        status.Should().Be(HttpStatusCode.Accepted);
        body["accepted"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("o-1");
        again.Should().Be(HttpStatusCode.Accepted);
        againBody["duplicates"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("o-1");
        var customer = await Store.ReadCustomerAsync("c1");
        customer!.State.Profile.Orders.Count.Should().Be(1);
        (await Store.ReadEventsAsync("c1", 0, 10)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_batch_is_accepted_whole()
    {
        var (status, body) = await PostAsync(CloudEvents.Batch(CloudEvents.Registered("b1"), CloudEvents.Order("b1", "b-o1", 10), CloudEvents.Order("b2", "b-o2", 20)));
        await _api.IdleAsync();

        status.Should().Be(HttpStatusCode.Accepted);
        body["accepted"]!.AsArray().Should().HaveCount(3);
        (await Store.ReadCustomerAsync("b1"))!.State.Profile.Orders.Total.Should().Be(10m);
        (await Store.ReadCustomerAsync("b2"))!.State.Profile.Orders.Total.Should().Be(20m);
    }

    [Fact]
    public async Task Malformed_JSON_is_400_naming_the_body()
    {
        var (status, body) = await PostAsync(new StringContent("{\"id\": \"x\", \"type\": ", Encoding.UTF8, "application/cloudevents+json"));
        status.Should().Be(HttpStatusCode.BadRequest);
        body["field"]!.GetValue<string>().Should().Be("$");
        body["detail"]!.GetValue<string>().Should().StartWith("malformed JSON");
    }

    [Theory]
    [InlineData("subject", null, "subject")]
    [InlineData("subject", "", "subject")]
    [InlineData("id", null, "id")]
    [InlineData("type", null, "type")]
    [InlineData("time", "yesterday", "time")]
    [InlineData("specversion", "0.3", "specversion")]
    public async Task A_bad_envelope_field_is_400_naming_it(string field, string? value, string expectedField)
    {
        var e = CloudEvents.Order("bad-env", $"o-{field}", 10);
        if (value is null) e.Remove(field);
        else e[field] = value;

        var (status, body) = await PostAsync(CloudEvents.Json(e));

        status.Should().Be(HttpStatusCode.BadRequest);
        body["field"]!.GetValue<string>().Should().Be(expectedField);
        body["status"]!.GetValue<int>().Should().Be(400);
        await NothingStoredFor("bad-env");
    }

    [Fact]
    public async Task Data_of_the_wrong_type_or_missing_a_required_field_is_400_naming_the_field()
    {
        var wrongType = CloudEvents.Order("bad-data", "o-1", "a lot");
        var missing = CloudEvents.Order("bad-data", "o-2", 10);
        missing["data"]!.AsObject().Remove("orderId");
        var wrongItem = CloudEvents.Order("bad-data", "o-3", 10);
        wrongItem["data"]!["items"]![0]!["quantity"] = "two";
        var notAnObject = CloudEvents.Order("bad-data", "o-4", 10);
        notAnObject["data"] = "oops";

        (await PostAsync(CloudEvents.Json(wrongType))).Body["field"]!.GetValue<string>().Should().Be("data.amount");
        (await PostAsync(CloudEvents.Json(missing))).Body["field"]!.GetValue<string>().Should().Be("data.orderId");
        (await PostAsync(CloudEvents.Json(wrongItem))).Body["field"]!.GetValue<string>().Should().Be("data.items[0].quantity");
        var (status, body) = await PostAsync(CloudEvents.Json(notAnObject));
        status.Should().Be(HttpStatusCode.BadRequest);
        body["field"]!.GetValue<string>().Should().Be("data");
        await NothingStoredFor("bad-data");
    }

    [Fact]
    public async Task One_bad_event_refuses_the_whole_batch_and_stores_nothing()
    {
        var bad = CloudEvents.Order("batch-bad", "bb-2", 5);
        bad.Remove("subject");

        var (status, body) = await PostAsync(CloudEvents.Batch(CloudEvents.Registered("batch-bad"), bad, CloudEvents.Order("batch-bad", "bb-3", 5)));

        status.Should().Be(HttpStatusCode.BadRequest);
        body["field"]!.GetValue<string>().Should().Be("[1].subject");
        await NothingStoredFor("batch-bad");
    }

    [Fact]
    public async Task A_huge_payload_is_413_and_stores_nothing()
    {
        var huge = CloudEvents.Registered("huge");
        huge["data"]!["name"] = new string('x', 2 * 1024 * 1024);

        var (status, body) = await PostAsync(CloudEvents.Json(huge));

        status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        body["field"]!.GetValue<string>().Should().Be("$");
        await NothingStoredFor("huge");
    }

    [Fact]
    public async Task Other_shapes_are_refused_with_the_right_status()
    {
        (await PostAsync(new StringContent("hello", Encoding.UTF8, "text/plain"))).Status.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await PostAsync(CloudEvents.Json(new JsonArray(), "application/cloudevents-batch+json"))).Status.Should().Be(HttpStatusCode.BadRequest);
        (await PostAsync(CloudEvents.Json(CloudEvents.Registered("x"), "application/cloudevents-batch+json"))).Body["field"]!.GetValue<string>().Should().Be("$");
        (await PostAsync(new StringContent("", Encoding.UTF8, "application/json"))).Status.Should().Be(HttpStatusCode.BadRequest);
        (await PostAsync(CloudEvents.Json(new JsonArray(1, 2), "application/cloudevents-batch+json"))).Body["field"]!.GetValue<string>().Should().Be("[0]");
    }

    [Fact]
    public async Task An_unknown_type_is_accepted_and_kept_on_the_timeline()
    {
        var e = CloudEvents.Order("curious", "u-1", 1);
        e["type"] = "cart.abandoned";
        e["data"] = new JsonObject { ["sku"] = "TEA" };

        var (status, _) = await PostAsync(CloudEvents.Json(e));
        await _api.IdleAsync();

        status.Should().Be(HttpStatusCode.Accepted);
        var timeline = await _api.Client(ApiFactory.OpsKey).GetFromJsonAsync<JsonArray>("/api/customers/curious/events");
        timeline!.Should().ContainSingle();
        timeline![0]!["event"]!["type"]!.GetValue<string>().Should().Be("cart.abandoned");
        (await Store.ReadCustomerAsync("curious"))!.State.Instances.Should().BeEmpty();
    }

    [Fact]
    public async Task Every_event_type_of_the_contract_has_a_schema_shipped_with_the_app()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "schemas", "events");
        string[] types = ["customer.registered", "order.completed", "order.refunded", "app.opened", "customer.checked_in", "referral.accepted",
            "customer.unsubscribed", "customer.consent_changed", "customer.profile_updated", "coupon.redeemed"];
        foreach (var type in types) File.Exists(Path.Combine(folder, $"{type}.schema.json")).Should().BeTrue(type);

        // The examples shipped with the journeys satisfy the contract (received after the last of them: no event lies in the future).
        _api.Clock.SetUtcNow(new DateTimeOffset(2025, 12, 31, 0, 0, 0, TimeSpan.Zero));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Paths.BuiltInJourneys, "examples"), "*.jsonl"))
        {
            var batch = new JsonArray([.. File.ReadLines(file).Where(l => l.Trim().Length > 0).Select(l => JsonNode.Parse(l))]);
            var (status, body) = await PostAsync(CloudEvents.Json(batch, "application/cloudevents-batch+json"));
            status.Should().Be(HttpStatusCode.Accepted, $"{Path.GetFileName(file)}: {body}");
        }
    }
}
