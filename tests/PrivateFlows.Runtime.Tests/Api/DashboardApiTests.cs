using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Api;

/// <summary>
/// Every job <c>MapDashboard</c> maps — static files, journey graphs, draft journeys, engine activity — answers on its
/// route with its role, so a split of the dashboard's endpoints cannot drop or re-guard one unnoticed.
/// </summary>
public sealed class DashboardApiTests : IClassFixture<ApiFixture>
{
    private readonly ApiFixture _fixture;

    public DashboardApiTests(ApiFixture fixture) => _fixture = fixture;

    private ApiFactory Api => _fixture.Api;

    [Theory]
    [InlineData(ApiFactory.MarketerKey, "GET", "/api/dashboard/clock", HttpStatusCode.OK)]
    [InlineData(ApiFactory.ProducerKey, "GET", "/api/dashboard/clock", HttpStatusCode.Forbidden)]
    [InlineData(ApiFactory.OpsKey, "GET", "/api/dashboard/journeys/onboarding/graph", HttpStatusCode.OK)]
    [InlineData(ApiFactory.MarketerKey, "GET", "/api/dashboard/journeys/no-such-journey/graph", HttpStatusCode.NotFound)]
    [InlineData(ApiFactory.MarketerKey, "GET", "/api/dashboard/counts", HttpStatusCode.OK)]
    [InlineData(ApiFactory.OpsKey, "POST", "/api/dashboard/validate", HttpStatusCode.Forbidden)]
    [InlineData(ApiFactory.OpsKey, "POST", "/api/dashboard/simulate", HttpStatusCode.Forbidden)]
    [InlineData(ApiFactory.MarketerKey, "POST", "/api/dashboard/simulate", HttpStatusCode.BadRequest)]
    [InlineData(ApiFactory.OpsKey, "GET", "/api/dashboard/examples", HttpStatusCode.OK)]
    [InlineData(ApiFactory.MarketerKey, "GET", "/api/dashboard/timers", HttpStatusCode.Forbidden)]
    [InlineData(ApiFactory.OpsKey, "GET", "/api/dashboard/timers", HttpStatusCode.OK)]
    [InlineData(ApiFactory.MarketerKey, "GET", "/api/dashboard/throughput", HttpStatusCode.Forbidden)]
    [InlineData(ApiFactory.OpsKey, "GET", "/api/dashboard/throughput", HttpStatusCode.OK)]
    public async Task Each_dashboard_endpoint_answers_with_its_role(string key, string method, string path, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = JsonContent.Create(new JsonObject());

        using var response = await Api.Client(key).SendAsync(request);

        response.StatusCode.Should().Be(expected);
    }

    [Fact]
    public async Task Validate_returns_diagnostics_and_the_graph_of_a_valid_journey()
    {
        var yaml = """
            journey: hello
            category: transactional
            entry:
              event: customer.registered
            steps:
              - id: tagged
                tag: hello
            """;

        using var response = await Api.Client(ApiFactory.MarketerKey).PostAsJsonAsync("/api/dashboard/validate", new { yaml });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body!["valid"]!.GetValue<bool>().Should().BeTrue();
        body["graph"]!["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()).Should().Contain("tagged");
    }

    [Fact]
    public async Task Throughput_reports_ten_second_buckets()
    {
        var body = await Api.Client(ApiFactory.OpsKey).GetFromJsonAsync<JsonObject>("/api/dashboard/throughput");

        body!["bucketSeconds"]!.GetValue<int>().Should().Be(10);
        body["buckets"]!.AsArray().Should().HaveCount(90);
    }

    [Fact]
    public async Task The_dashboard_page_is_served_at_the_root_and_always_revalidated()
    {
        using var response = await Api.Client(null).GetAsync("/");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        response.Headers.CacheControl!.NoCache.Should().BeTrue();
    }
}
