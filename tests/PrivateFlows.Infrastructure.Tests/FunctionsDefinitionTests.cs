using System.Globalization;
using System.Text.Json.Nodes;
using PrivateFlows.Infrastructure.Tests.Support;

namespace PrivateFlows.Infrastructure.Tests;

/// <summary>functions/host.json and the function.json files follow the custom-handler contract.</summary>
public sealed class FunctionsDefinitionTests
{
    private static readonly JsonNode Host = Repo.ReadJson("functions", "host.json");

    [Fact]
    public void Host_json_is_version_2()
    {
        Host["version"]!.GetValue<string>().Should().Be("2.0");
    }

    [Fact]
    public void Host_json_starts_the_published_executable_as_the_custom_handler()
    {
        var path = Host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>();
        path.Should().Be("PrivateFlows.Functions", "scripts/publish.sh places the self-contained executable at the app root under this name");
        path.Should().NotContainAny("/", "\\");
    }

    [Fact]
    public void Host_json_forwards_http_requests_unchanged()
    {
        Host["customHandler"]!["enableForwardingHttpRequest"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public void Host_json_uses_extension_bundle_v4()
    {
        Host["extensionBundle"]!["id"]!.GetValue<string>().Should().Be("Microsoft.Azure.Functions.ExtensionBundle");
        Host["extensionBundle"]!["version"]!.GetValue<string>().Should().Be("[4.*, 5.0.0)");
    }

    [Fact]
    public void Host_json_configures_service_bus_sessions()
    {
        var serviceBus = Host["extensions"]!["serviceBus"]!;
        serviceBus["maxConcurrentSessions"]!.GetValue<int>().Should().BePositive();
        var renewal = TimeSpan.Parse(serviceBus["maxAutoLockRenewalDuration"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        renewal.Should().BeGreaterThan(TimeSpan.FromMinutes(1), "the session lock (PT1M in infra) must be renewed while a step runs");
        var timeout = TimeSpan.Parse(Host["functionTimeout"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        renewal.Should().BeLessThanOrEqualTo(timeout);
    }

    [Fact]
    public void Http_api_is_served_under_the_api_prefix_only()
    {
        // Forwarded requests keep their path; with the "api" prefix nobody on the internet can reach the
        // handler's own invocation endpoints (/ProcessCustomerEvent, /FireDueTimers).
        Host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>().Should().Be("api");
    }

    [Fact]
    public void The_app_defines_exactly_the_three_functions()
    {
        Repo.FunctionJsonFiles()
            .Select(f => Path.GetFileName(Path.GetDirectoryName(f)))
            .Should().BeEquivalentTo("ProcessCustomerEvent", "FireDueTimers", "Api");
    }

    [Fact]
    public void ProcessCustomerEvent_is_a_session_trigger_on_the_journeys_subscription()
    {
        var bindings = Bindings("ProcessCustomerEvent");
        bindings.Should().ContainSingle("the trigger is the only binding; results are written by the app, not by output bindings");
        var trigger = bindings[0];
        trigger["type"]!.GetValue<string>().Should().Be("serviceBusTrigger");
        trigger["direction"]!.GetValue<string>().Should().Be("in");
        trigger["name"]!.GetValue<string>().Should().Be("message");
        trigger["topicName"]!.GetValue<string>().Should().Be("customer-events");
        trigger["subscriptionName"]!.GetValue<string>().Should().Be("journeys");
        trigger["isSessionsEnabled"]!.GetValue<bool>().Should().BeTrue();
        trigger["cardinality"]!.GetValue<string>().Should().Be("one");
        trigger["connection"]!.GetValue<string>().Should().Be("ServiceBusConnection");
    }

    [Fact]
    public void FireDueTimers_runs_every_ten_seconds()
    {
        var bindings = Bindings("FireDueTimers");
        bindings.Should().ContainSingle(
            "a custom handler cannot set SessionId/MessageId through a Service Bus output binding, so the app publishes due timers itself");
        var trigger = bindings[0];
        trigger["type"]!.GetValue<string>().Should().Be("timerTrigger");
        trigger["name"]!.GetValue<string>().Should().Be("timer");
        var fields = trigger["schedule"]!.GetValue<string>().Split(' ');
        fields.Should().HaveCount(6, "NCRONTAB with seconds");
        fields[0].Should().Be("*/10");
        fields.Skip(1).Should().OnlyContain(f => f == "*");
        trigger["runOnStartup"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void Api_forwards_every_method_and_path_to_the_app()
    {
        var bindings = Bindings("Api");
        bindings.Should().HaveCount(2, "an HTTP-only function (trigger + http output) is what the host forwards unchanged");
        var trigger = bindings.Single(b => b["direction"]!.GetValue<string>() == "in");
        trigger["type"]!.GetValue<string>().Should().Be("httpTrigger");
        trigger["authLevel"]!.GetValue<string>().Should().Be("anonymous", "the app authenticates with its own API keys");
        trigger["route"]!.GetValue<string>().Should().Be("{*path}");
        trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>())
            .Should().BeEquivalentTo("get", "post", "put", "patch", "delete", "head", "options");
        var output = bindings.Single(b => b["direction"]!.GetValue<string>() == "out");
        output["type"]!.GetValue<string>().Should().Be("http");
    }

    private static List<JsonNode> Bindings(string function) =>
        Repo.ReadJson("functions", function, "function.json")["bindings"]!.AsArray().Select(b => b!).ToList();
}
