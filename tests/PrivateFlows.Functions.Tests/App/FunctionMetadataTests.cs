using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using PrivateFlows.Durable.Activities;
using PrivateFlows.Durable.Api;
using PrivateFlows.Durable.Orchestration;

namespace PrivateFlows.Functions.Tests.App;

/// <summary>
/// What the Functions host will index: with Worker SDK 2.x the function metadata is generated into the app's assembly
/// at build time (an <see cref="IFunctionMetadataProvider"/> from the SDK's source generator; no functions.metadata
/// file is written when the SDK's host-side build step is off, as in the test build). This reads that provider.
/// </summary>
public sealed class FunctionMetadataTests
{
    [Fact]
    public async Task The_app_declares_every_function_with_its_trigger()
    {
        var assembly = typeof(Shells.CustomerOrchestration).Assembly;
        var providerType = assembly.GetTypes().Single(t => typeof(IFunctionMetadataProvider).IsAssignableFrom(t) && !t.IsAbstract);
        var provider = (IFunctionMetadataProvider)Activator.CreateInstance(providerType, nonPublic: true)!;

        var functions = await provider.GetFunctionMetadataAsync(AppContext.BaseDirectory);

        var triggers = functions.ToDictionary(f => f.Name!, f => f.RawBindings!.Select(b => JsonNode.Parse(b)!.AsObject()).ToList());
        string[] durable = [CustomerInstances.Orchestrator, ActivityNames.JourneyVersions, ActivityNames.DeliverMessage, ActivityNames.WriteStep, ActivityNames.CreditReferrer, "CustomerEvents"];
        triggers.Keys.Should().Contain(durable).And.Contain(["PostEvents", "Healthz", ApiFunctions.GetCustomer, ApiFunctions.EraseCustomer, ApiFunctions.ListDeadLetters, ApiFunctions.RequeueDeadLetter]);
        foreach (var (name, bindings) in triggers.Where(t => !durable.Contains(t.Key)))
        {
            // Everything else is the HTTP API: anonymous to the Functions host, because the app checks API keys and roles itself.
            Trigger(bindings)["type"]!.GetValue<string>().Should().Be("httpTrigger", name);
            Trigger(bindings)["authLevel"]!.GetValue<string>().Should().Be("Anonymous", name);
        }

        Trigger(triggers[CustomerInstances.Orchestrator])["type"]!.GetValue<string>().Should().Be("orchestrationTrigger");
        foreach (var activity in new[] { ActivityNames.JourneyVersions, ActivityNames.DeliverMessage, ActivityNames.WriteStep, ActivityNames.CreditReferrer })
        {
            Trigger(triggers[activity])["type"]!.GetValue<string>().Should().Be("activityTrigger", activity);
        }

        triggers[ActivityNames.CreditReferrer].Should().Contain(b => b["type"]!.GetValue<string>() == "durableClient", "the referrer credit starts or raises to another orchestration");
        var serviceBus = Trigger(triggers["CustomerEvents"]);
        serviceBus["type"]!.GetValue<string>().Should().Be("serviceBusTrigger");
        serviceBus["isSessionsEnabled"]!.GetValue<bool>().Should().BeTrue();
        serviceBus["connection"]!.GetValue<string>().Should().Be("ServiceBusConnection");
        serviceBus["topicName"]!.GetValue<string>().Should().Be("%PrivateFlows:ServiceBus:Topic%");
        serviceBus["subscriptionName"]!.GetValue<string>().Should().Be("%PrivateFlows:ServiceBus:Subscription%");
        triggers["CustomerEvents"].Should().Contain(b => b["type"]!.GetValue<string>() == "durableClient");
        Trigger(triggers["PostEvents"])["route"]!.GetValue<string>().Should().Be("events");
        Trigger(triggers["PostEvents"])["methods"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal("post");
        Trigger(triggers["Healthz"])["route"]!.GetValue<string>().Should().Be("healthz");
        Trigger(triggers["Healthz"])["authLevel"]!.GetValue<string>().Should().Be("Anonymous");
    }

    private static JsonObject Trigger(List<JsonObject> bindings) =>
        bindings.Single(b => b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal));
}
