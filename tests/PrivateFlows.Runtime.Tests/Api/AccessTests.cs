using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Api;

public sealed class AccessTests : IClassFixture<ApiFixture>
{
    private readonly ApiFixture _fixture;

    public AccessTests(ApiFixture fixture) => _fixture = fixture;

    private ApiFactory Api => _fixture.Api;

    [Theory]
    [InlineData("POST", "/api/events")]
    [InlineData("GET", "/api/customers/c1")]
    [InlineData("GET", "/api/instances/i1")]
    [InlineData("POST", "/api/instances/i1/cancel")]
    [InlineData("GET", "/api/journeys")]
    [InlineData("POST", "/api/journeys")]
    [InlineData("GET", "/api/poison")]
    public async Task Without_a_valid_key_every_api_answers_401_with_a_problem(string method, string path)
    {
        foreach (var client in new[] { Api.Client(null), Api.Client("not-a-key") })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = CloudEvents.Json(CloudEvents.Registered("c1")) });
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            response.Headers.WwwAuthenticate.Should().NotBeEmpty();
        }
    }

    [Theory]
    [InlineData(ApiFactory.ProducerKey, "GET", "/api/customers/c1")]
    [InlineData(ApiFactory.ProducerKey, "GET", "/api/journeys")]
    [InlineData(ApiFactory.ProducerKey, "GET", "/api/poison")]
    [InlineData(ApiFactory.MarketerKey, "POST", "/api/events")]
    [InlineData(ApiFactory.MarketerKey, "GET", "/api/customers/c1")]
    [InlineData(ApiFactory.MarketerKey, "POST", "/api/instances/i1/retry")]
    [InlineData(ApiFactory.OpsKey, "POST", "/api/events")]
    [InlineData(ApiFactory.OpsKey, "POST", "/api/journeys")]
    public async Task With_the_wrong_role_the_api_answers_403(string key, string method, string path)
    {
        using var response = await Api.Client(key).SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = CloudEvents.Json(CloudEvents.Registered("c1")) });
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>().Should().Be("Wrong role");
    }

    [Fact]
    public async Task Each_role_reaches_its_own_endpoints_with_either_header()
    {
        (await Api.Bearer(ApiFactory.ProducerKey).PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered("access-1")))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await Api.Client(ApiFactory.MarketerKey).GetAsync("/api/journeys")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Api.Client(ApiFactory.OpsKey).GetAsync("/api/journeys")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Api.Client(ApiFactory.OpsKey).GetAsync("/api/poison")).StatusCode.Should().Be(HttpStatusCode.OK);
        await Api.IdleAsync();
        (await Api.Bearer(ApiFactory.OpsKey).GetAsync("/api/customers/access-1")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Health_and_the_OpenAPI_document_need_no_key()
    {
        var health = await Api.Client(null).GetAsync("/healthz");
        health.StatusCode.Should().Be(HttpStatusCode.OK);

        var openApi = await Api.Client(null).GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var paths = openApi!["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.Should().Contain(["/api/events", "/api/customers/{customerId}", "/api/customers/{customerId}/instances", "/api/customers/{customerId}/messages",
            "/api/instances/{instanceId}", "/api/instances/{instanceId}/cancel", "/api/instances/{instanceId}/retry", "/api/journeys", "/api/journeys/{name}", "/api/poison", "/healthz"]);
    }

    [Fact]
    public async Task Without_configured_keys_every_caller_has_every_role()
    {
        using var devMode = new ApiFactory(withKeys: false);
        (await devMode.Client(null).PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered("dev-1")))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await devMode.Client(null).GetAsync("/api/poison")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
