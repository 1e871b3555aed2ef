using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Api;

public sealed class OpsApiTests : IDisposable
{
    private readonly ApiFactory _api = new();
    private readonly HttpClient _producer;
    private readonly HttpClient _ops;
    private readonly HttpClient _marketer;

    public OpsApiTests()
    {
        _producer = _api.Client(ApiFactory.ProducerKey);
        _ops = _api.Client(ApiFactory.OpsKey);
        _marketer = _api.Client(ApiFactory.MarketerKey);
    }

    public void Dispose() => _api.Dispose();

    private async Task<JsonObject> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, path);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task Ops_see_a_customer_her_instances_messages_and_each_instance_history()
    {
        (await _producer.PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered("lin")))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await _api.IdleAsync();

        var customer = await GetAsync(_ops, "/api/customers/lin");
        customer["profile"]!["name"]!.GetValue<string>().Should().Be("林晓");
        customer["pendingEffects"]!.GetValue<int>().Should().Be(0);
        customer["timers"]!.AsArray().Should().NotBeEmpty();

        var instances = (await _ops.GetFromJsonAsync<JsonArray>("/api/customers/lin/instances"))!;
        var onboarding = instances.Single(i => i!["journey"]!.GetValue<string>() == "onboarding")!;
        onboarding["status"]!.GetValue<string>().Should().Be("active");
        var instanceId = onboarding["instanceId"]!.GetValue<string>();

        var messages = (await _ops.GetFromJsonAsync<JsonArray>("/api/customers/lin/messages"))!;
        var welcome = messages.Should().ContainSingle().Subject!;
        welcome["template"]!.GetValue<string>().Should().Be("onboarding-welcome");
        welcome["via"]!.GetValue<string>().Should().Be("sandbox");
        welcome["body"]!.GetValue<string>().Should().Contain("林晓");

        var instance = await GetAsync(_ops, $"/api/instances/{instanceId}");
        instance["customerId"]!.GetValue<string>().Should().Be("lin");
        instance["instance"]!["stepId"]!.GetValue<string>().Should().Be("wait-1d");
        instance["history"]!.AsArray().Select(h => h!["kind"]!.GetValue<string>()).Should().Equal("entered", "sent", "waiting");

        (await _ops.GetAsync("/api/customers/nobody")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var missing = await _ops.GetAsync("/api/instances/nothing-here");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        missing.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Ops_cancel_an_instance_once_and_retry_only_a_faulted_one()
    {
        await _producer.PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered("kai")));
        await _api.IdleAsync();
        var instanceId = (await _ops.GetFromJsonAsync<JsonArray>("/api/customers/kai/instances"))!
            .Single(i => i!["journey"]!.GetValue<string>() == "onboarding")!["instanceId"]!.GetValue<string>();

        var retry = await _ops.PostAsync($"/api/instances/{instanceId}/retry", null);
        retry.StatusCode.Should().Be(HttpStatusCode.Conflict);

        var cancel = await _ops.PostAsJsonAsync($"/api/instances/{instanceId}/cancel", new { reason = "customer asked us to stop" });
        cancel.StatusCode.Should().Be(HttpStatusCode.OK);
        var cancelled = (await cancel.Content.ReadFromJsonAsync<JsonObject>())!;
        cancelled["status"]!.GetValue<string>().Should().Be("ended");
        cancelled["outcome"]!.GetValue<string>().Should().Be("cancelled");

        (await _ops.PostAsync($"/api/instances/{instanceId}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await _ops.PostAsync("/api/instances/unknown/cancel", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var history = (await GetAsync(_ops, $"/api/instances/{instanceId}"))["history"]!.AsArray();
        history[^1]!["kind"]!.GetValue<string>().Should().Be("cancelled");
        history[^1]!["detail"]!.GetValue<string>().Should().Contain("customer asked us to stop");
        var customer = await GetAsync(_ops, "/api/customers/kai");
        customer["timers"]!.AsArray().Should().NotContain(t => t!["instanceId"]!.GetValue<string>() == instanceId);
    }

    [Fact]
    public async Task The_built_in_journeys_are_published_as_version_1_and_a_publish_makes_version_2_while_running_instances_stay_pinned()
    {
        var journeys = (await _marketer.GetFromJsonAsync<JsonArray>("/api/journeys"))!;
        journeys.Select(j => j!["name"]!.GetValue<string>()).Should().Equal("birthday-care", "onboarding", "referral-reward", "repurchase-nudge", "win-back");
        journeys.Should().OnlyContain(j => j!["latest"]!["number"]!.GetValue<int>() == 1);

        await _producer.PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered("early")));
        await _api.IdleAsync();

        var detail = await GetAsync(_marketer, "/api/journeys/onboarding");
        var v1 = detail["versions"]!.AsArray().Single()!;
        var yaml = v1["yaml"]!.GetValue<string>().Replace("priority: 60", "priority: 65", StringComparison.Ordinal);

        var created = await _marketer.PostAsync("/api/journeys", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var published = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        published["number"]!.GetValue<int>().Should().Be(2);
        published["created"]!.GetValue<bool>().Should().BeTrue();

        var same = await _marketer.PostAsync("/api/journeys", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        same.StatusCode.Should().Be(HttpStatusCode.OK);
        (await same.Content.ReadFromJsonAsync<JsonObject>())!["number"]!.GetValue<int>().Should().Be(2);

        await _producer.PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered("late")));
        await _api.IdleAsync();
        string VersionOf(JsonArray instances) => instances.Single(i => i!["journey"]!.GetValue<string>() == "onboarding")!["version"]!.GetValue<string>();
        VersionOf((await _ops.GetFromJsonAsync<JsonArray>("/api/customers/early/instances"))!).Should().Be(v1["version"]!.GetValue<string>());
        VersionOf((await _ops.GetFromJsonAsync<JsonArray>("/api/customers/late/instances"))!).Should().Be(published["version"]!.GetValue<string>());
        (await GetAsync(_marketer, "/api/journeys/onboarding"))["versions"]!.AsArray().Should().HaveCount(2);
    }

    [Fact]
    public async Task An_invalid_journey_is_refused_with_path_line_and_column()
    {
        const string yaml = """
            journey: broken
            entry:
              event: customer.registered
            steps:
              - id: hello
                send: { channel: fax, template: onboarding-welcome }
            """;
        var response = await _marketer.PostAsync("/api/journeys?file=broken.yaml", new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["diagnostics"]!.AsArray().Select(d => d!.GetValue<string>()).Should().Contain(d => d.StartsWith("broken.yaml:6:", StringComparison.Ordinal) && d.Contains("PF0008", StringComparison.Ordinal));
        (await _marketer.GetAsync("/api/journeys/broken")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_journey_can_be_published_with_its_own_templates_as_JSON()
    {
        var body = new
        {
            yaml = """
                journey: hello-json
                category: transactional
                entry:
                  event: app.opened
                steps:
                  - id: hi
                    send: { channel: app_push, template: hello-json }
                """,
            templates = new[] { new { name = "hello-json", locale = "zh-CN", text = "你好 {{ customer.name }}" } },
        };
        var response = await _marketer.PostAsJsonAsync("/api/journeys", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await GetAsync(_marketer, "/api/journeys/hello-json"))["versions"]![0]!["templates"]!.AsArray().Select(t => t!.GetValue<string>()).Should().Contain("hello-json.zh-CN");
    }

    [Fact]
    public async Task Ops_erase_a_customer_with_her_history()
    {
        await _producer.PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered("forget-me")));
        await _api.IdleAsync();
        var instanceId = (await _ops.GetFromJsonAsync<JsonArray>("/api/customers/forget-me/instances"))![0]!["instanceId"]!.GetValue<string>();

        (await _ops.DeleteAsync("/api/customers/forget-me")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await _ops.GetAsync("/api/customers/forget-me")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _ops.GetAsync($"/api/instances/{instanceId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _ops.GetAsync("/api/customers/forget-me/messages")).StatusCode.Should().Be(HttpStatusCode.NotFound, "an erased customer is unknown on every route");
        (await _ops.DeleteAsync("/api/customers/forget-me")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _producer.DeleteAsync("/api/customers/forget-me")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Poison_and_status_are_visible_to_ops()
    {
        (await _ops.GetFromJsonAsync<JsonArray>("/api/poison"))!.Should().BeEmpty();
        var status = await GetAsync(_ops, "/api/status");
        status["ready"]!.GetValue<bool>().Should().BeTrue();
        status["store"]!["databaseBytes"]!.GetValue<long>().Should().BePositive();
    }
}
