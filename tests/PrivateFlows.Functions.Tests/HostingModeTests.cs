using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PrivateFlows.Functions.Tests.Support;
using PrivateFlows.Runtime.Timers;

namespace PrivateFlows.Functions.Tests;

/// <summary>What changes with <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>: the invocation endpoints, the timer loop, the start-up checks.</summary>
public sealed class HostingModeTests
{
    [Fact]
    public async Task Under_the_Functions_host_a_forwarded_API_request_works_as_standalone()
    {
        using var host = new FunctionsHost();
        var e = CloudEvents.Order("http-1", "http-1-o1", 88);

        using var accepted = await host.Client(FunctionsHost.ProducerKey).PostAsync("/api/events", new StringContent(e.ToJsonString(), Encoding.UTF8, "application/cloudevents+json"));
        accepted.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await host.IdleAsync();
        using var customer = await host.Client(FunctionsHost.OpsKey).GetAsync("/api/customers/http-1");
        customer.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await customer.Content.ReadAsStringAsync())!.ToJsonString().Should().Contain("http-1");

        using var anonymous = await host.Client().GetAsync("/api/customers/http-1");
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "API keys still apply to forwarded requests");
    }

    [Fact]
    public async Task The_root_answers_for_the_hosts_ping()
    {
        using var host = new FunctionsHost();
        using var response = await host.Client().GetAsync("/");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public void Under_the_Functions_host_the_in_process_timer_loop_is_off()
    {
        using var host = new FunctionsHost();
        host.Services.GetServices<IHostedService>().Should().NotContain(s => s is TimerService);
    }

    [Fact]
    public async Task Standalone_there_are_no_invocation_endpoints_and_timers_run_in_process()
    {
        using var host = new FunctionsHost(customHandler: false);
        using var client = host.Client();

        using var process = await client.PostAsync("/ProcessCustomerEvent", Invocations.Json(Invocations.ServiceBus(CloudEvents.Registered("alone").ToJsonString(), "alone", "reg-alone")));
        using var fire = await client.PostAsync("/FireDueTimers", Invocations.Json(Invocations.Timer()));

        process.StatusCode.Should().Be(HttpStatusCode.NotFound);
        fire.StatusCode.Should().Be(HttpStatusCode.NotFound);
        host.Services.GetServices<IHostedService>().Should().Contain(s => s is TimerService);
    }

    [Fact]
    public void Under_the_Functions_host_a_missing_Service_Bus_namespace_stops_the_start()
    {
        using var host = new FunctionsHost(settings: new Dictionary<string, string?> { ["ServiceBusConnection:fullyQualifiedNamespace"] = "" });
        var start = () => host.CreateClient();
        start.Should().Throw<Exception>().Where(e => Flatten(e).Contains("ServiceBusConnection__fullyQualifiedNamespace", StringComparison.Ordinal));
    }

    [Fact]
    public void Under_the_Functions_host_API_keys_are_required()
    {
        using var host = new FunctionsHost(withKeys: false);
        var start = () => host.CreateClient();
        start.Should().Throw<Exception>().Where(e => Flatten(e).Contains("needs API keys", StringComparison.Ordinal));
    }

    [Fact]
    public void The_topic_can_be_set_and_is_validated()
    {
        using var host = new FunctionsHost(settings: new Dictionary<string, string?> { ["PrivateFlows:ServiceBus:Topic"] = "no spaces allowed" });
        var start = () => host.CreateClient();
        start.Should().Throw<Exception>().Where(e => Flatten(e).Contains("Topic", StringComparison.Ordinal));
    }

    private static string Flatten(Exception e) => e is AggregateException a ? string.Join("\n", a.InnerExceptions.Select(Flatten)) : e.Message + (e.InnerException is null ? "" : "\n" + Flatten(e.InnerException));
}
