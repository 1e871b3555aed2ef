using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Api;

/// <summary>Every per-customer route addresses the same customer (ids with <c>/</c> included) and answers 404 alike for an unknown one.</summary>
public sealed class CustomerRouteTests : IDisposable
{
    private readonly ApiFactory _api = new();
    private readonly HttpClient _producer;
    private readonly HttpClient _ops;

    public CustomerRouteTests()
    {
        _producer = _api.Client(ApiFactory.ProducerKey);
        _ops = _api.Client(ApiFactory.OpsKey);
    }

    public void Dispose() => _api.Dispose();

    private IJourneyStore Store => _api.Services.GetRequiredService<IJourneyStore>();

    public static TheoryData<string> PerCustomerRoutes => ["", "/instances", "/messages", "/events", "/history", "/points", "/segments", "/export", "/explain?journey=onboarding"];

    [Theory]
    [MemberData(nameof(PerCustomerRoutes))]
    public async Task An_unknown_customer_is_404_problem_details_on_every_route(string route)
    {
        using var response = await _ops.GetAsync($"/api/customers/nobody{route}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound, route);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Theory]
    [MemberData(nameof(PerCustomerRoutes))]
    public async Task An_erased_customer_is_404_on_every_route(string route)
    {
        (await _producer.PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered("gone")))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await _api.IdleAsync();
        (await _ops.DeleteAsync("/api/customers/gone")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await _api.IdleAsync();

        using var response = await _ops.GetAsync($"/api/customers/gone{route}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound, route);
    }

    [Theory]
    [InlineData("shop/1001")]
    [InlineData("a/b/../c")]
    [InlineData("100% real")]
    public async Task A_customer_whose_id_holds_a_slash_or_percent_is_read_and_erased_by_its_encoded_id(string customer)
    {
        (await _producer.PostAsync("/api/events", CloudEvents.Json(CloudEvents.Registered(customer)))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await _api.IdleAsync();
        var path = $"/api/customers/{Uri.EscapeDataString(customer)}";

        var view = await _ops.GetFromJsonAsync<JsonObject>(path);
        view!["customerId"]!.GetValue<string>().Should().Be(customer);
        foreach (var route in new[] { "/instances", "/messages", "/events", "/history", "/points", "/export" })
        {
            (await _ops.GetAsync(path + route)).StatusCode.Should().Be(HttpStatusCode.OK, route);
        }

        (await _ops.DeleteAsync(path)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await _api.IdleAsync();
        (await Store.ReadCustomerAsync(customer)).Should().BeNull();
        (await Store.ReadEventsAsync(customer, 0, 10)).Should().BeEmpty();
        (await Store.IsErasedAsync(customer)).Should().BeTrue("the tombstone is for the customer the URL names");
        if (customer.Contains('/', StringComparison.Ordinal)) (await Store.IsErasedAsync(customer.Split('/')[0])).Should().BeFalse();
        (await Store.IsErasedAsync(Uri.EscapeDataString(customer))).Should().BeFalse("not the id as the URL spells it");
        (await _ops.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/customers/a%2Fb", "a%2Fb", "a/b")]
    [InlineData("/api/customers/a%252Fb/events?limit=5", "a%2Fb", "a%2Fb")] // the literal id "a%2Fb": ambiguous in the route value, not in the raw target
    [InlineData("/api/customers/%E6%9E%97%20x/history", "林 x", "林 x")]
    public void The_id_comes_from_the_raw_request_target_decoded_once(string rawTarget, string routeValue, string expected)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = rawTarget;

        PrivateFlows.Host.Api.CustomerRoute.Id(context, routeValue).Should().Be(expected);
    }
}
