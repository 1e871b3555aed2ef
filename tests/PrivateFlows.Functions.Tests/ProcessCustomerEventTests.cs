using System.Net;
using System.Text.Json.Nodes;
using PrivateFlows.Functions.Tests.Support;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Functions.Tests;

/// <summary>Contract tests of <c>POST /ProcessCustomerEvent</c> with the payloads the Functions host posts for a Service Bus message.</summary>
public sealed class ProcessCustomerEventTests : IDisposable
{
    private const string Function = "/ProcessCustomerEvent";
    private readonly FunctionsHost _host = new();
    private readonly HttpClient _client;

    public ProcessCustomerEventTests() => _client = _host.Client();

    public void Dispose() => _host.Dispose();

    private IJourneyStore Store => _host.Store;

    private Task<(HttpStatusCode Status, JsonObject Body)> DeliverAsync(JsonObject invocation) => Invocations.PostAsync(_client, Function, invocation);

    [Fact]
    public async Task A_session_message_with_a_double_encoded_body_is_committed_before_the_answer()
    {
        var e = CloudEvents.Registered("sb-cust-1");
        var (status, body) = await DeliverAsync(Invocations.ServiceBus(e.ToJsonString(), "sb-cust-1", "reg-sb-cust-1", deliveryCount: 1));

        status.Should().Be(HttpStatusCode.OK);
        body.ContainsKey("Outputs").Should().BeTrue();
        body["Outputs"].Should().BeOfType<JsonObject>();
        body.ContainsKey("ReturnValue").Should().BeTrue();
        body["ReturnValue"].Should().BeNull();
        Invocations.Logs(body).Should().ContainSingle(l => l.Contains("Processed event reg-sb-cust-1 (customer.registered)", StringComparison.Ordinal));

        // No waiting: the step was committed and its effects dispatched before the host heard 200.
        var customer = await Store.ReadCustomerAsync("sb-cust-1");
        customer.Should().NotBeNull();
        customer!.HasProcessed("e:reg-sb-cust-1").Should().BeTrue();
        customer.PendingEffects.Should().BeEmpty();
        customer.State.Instances.Should().ContainSingle(i => i.Journey == "onboarding" && i.IsActive);
        (await Store.ReadEventStatusAsync("reg-sb-cust-1")).Should().Be(EventStatus.Done);
        (await Store.ReadTimersAsync("sb-cust-1")).Should().NotBeEmpty();
    }

    [Fact]
    public async Task Plain_metadata_and_a_body_given_as_an_object_are_read_too()
    {
        var invocation = Invocations.ServiceBus(CloudEvents.Registered("sb-plain").ToJsonString(), "sb-plain", "reg-sb-plain", deliveryCount: 2, quotedMetadata: false, doubleEncoded: false);
        invocation["Data"]!["message"] = CloudEvents.Registered("sb-plain");

        var (status, _) = await DeliverAsync(invocation);

        status.Should().Be(HttpStatusCode.OK);
        (await Store.ReadCustomerAsync("sb-plain"))!.HasProcessed("e:reg-sb-plain").Should().BeTrue();
    }

    [Fact]
    public async Task A_redelivered_message_id_is_processed_once()
    {
        var order = CloudEvents.Order("sb-dup", "sb-dup-o1", 159.0).ToJsonString();

        var (first, _) = await DeliverAsync(Invocations.ServiceBus(order, "sb-dup", "sb-dup-o1"));
        var (second, secondBody) = await DeliverAsync(Invocations.ServiceBus(order, "sb-dup", "sb-dup-o1", deliveryCount: 2));

        first.Should().Be(HttpStatusCode.OK);
        second.Should().Be(HttpStatusCode.OK);
        Invocations.Logs(secondBody).Should().Contain(l => l.Contains("duplicate ignored", StringComparison.Ordinal));
        var customer = await Store.ReadCustomerAsync("sb-dup");
        customer!.State.Profile.Orders.Count.Should().Be(1);
        (await Store.ReadEventsAsync("sb-dup", 0, 10)).Should().ContainSingle();
    }

    [Theory]
    [InlineData("missing-subject")]
    [InlineData("not-json")]
    [InlineData("schema")]
    [InlineData("session")]
    public async Task A_message_that_can_never_be_processed_is_parked_as_poison_and_acknowledged(string defect)
    {
        var messageId = $"bad-{defect}";
        var e = CloudEvents.Order("sb-poison", messageId, 10);
        var session = "sb-poison";
        string body;
        string reason;
        switch (defect)
        {
            case "missing-subject":
                e.Remove("subject");
                body = e.ToJsonString();
                reason = "subject";
                break;
            case "not-json":
                body = "<order id='1'/>";
                reason = "not JSON";
                break;
            case "schema":
                e["data"]!["amount"] = "a lot";
                body = e.ToJsonString();
                reason = "does not match its schema";
                break;
            default:
                session = "someone-else";
                body = e.ToJsonString();
                reason = "is not the event's subject";
                break;
        }

        var (status, response) = await DeliverAsync(Invocations.ServiceBus(body, session, messageId));

        status.Should().Be(HttpStatusCode.OK, "a permanent failure is acknowledged so that Service Bus does not redeliver it");
        Invocations.Logs(response).Should().ContainSingle(l => l.Contains("as poison", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
        var poison = (await Store.ReadPoisonAsync(100)).Should().ContainSingle(p => p.InputId == messageId).Subject;
        poison.Reason.Should().Contain(reason);
        poison.Body.Should().Be(body);
        (await Store.ReadCustomerAsync("sb-poison")).Should().BeNull();
    }

    [Fact]
    public async Task An_invocation_without_a_message_is_parked_not_retried()
    {
        var (status, response) = await DeliverAsync(new JsonObject { ["Data"] = new JsonObject(), ["Metadata"] = new JsonObject { ["MessageId"] = "\"empty-1\"" } });

        status.Should().Be(HttpStatusCode.OK);
        Invocations.Logs(response).Should().ContainSingle(l => l.Contains("Data.message is missing", StringComparison.Ordinal));
        (await Store.ReadPoisonAsync(100)).Should().ContainSingle(p => p.InputId == "empty-1");
    }

    [Fact]
    public async Task A_transient_store_failure_answers_500_and_the_redelivery_succeeds()
    {
        var e = CloudEvents.Registered("sb-flaky").ToJsonString();
        lock (_host.Faults.Failing) _host.Faults.Failing.Add(nameof(IJourneyStore.CommitStepAsync));

        var (failed, failedBody) = await DeliverAsync(Invocations.ServiceBus(e, "sb-flaky", "reg-sb-flaky", deliveryCount: 1));

        failed.Should().Be(HttpStatusCode.InternalServerError, "the host must abandon the message so that Service Bus redelivers it");
        Invocations.Logs(failedBody).Should().ContainSingle(l => l.Contains("redelivers", StringComparison.Ordinal) && l.Contains("store unavailable", StringComparison.Ordinal));
        _host.Faults.Failures.Should().Be(1, "the engine does not retry a Service Bus delivery itself before the last one");
        (await Store.ReadCustomerAsync("sb-flaky")).Should().BeNull();
        (await Store.ReadPoisonAsync(100)).Should().NotContain(p => p.InputId == "reg-sb-flaky");

        lock (_host.Faults.Failing) _host.Faults.Failing.Clear();
        var (redelivered, _) = await DeliverAsync(Invocations.ServiceBus(e, "sb-flaky", "reg-sb-flaky", deliveryCount: 2));

        redelivered.Should().Be(HttpStatusCode.OK);
        (await Store.ReadCustomerAsync("sb-flaky"))!.HasProcessed("e:reg-sb-flaky").Should().BeTrue();
        (await Store.ReadEventStatusAsync("reg-sb-flaky")).Should().Be(EventStatus.Done);
    }

    [Fact]
    public async Task An_unavailable_store_answers_500_even_for_a_message_that_would_be_parked()
    {
        lock (_host.Faults.Failing) _host.Faults.Failing.Add(nameof(IJourneyStore.ParkPoisonAsync));

        var (status, _) = await DeliverAsync(Invocations.ServiceBus("not json", "sb-down", "sb-down-1"));

        status.Should().Be(HttpStatusCode.InternalServerError);
    }

    [Fact]
    public async Task On_the_last_delivery_a_still_failing_event_is_parked_for_ops_instead_of_dead_lettered()
    {
        lock (_host.Faults.Failing) _host.Faults.Failing.Add(nameof(IJourneyStore.CommitStepAsync));

        var (status, body) = await DeliverAsync(Invocations.ServiceBus(CloudEvents.Registered("sb-last").ToJsonString(), "sb-last", "reg-sb-last", deliveryCount: 10));

        status.Should().Be(HttpStatusCode.OK);
        Invocations.Logs(body).Should().ContainSingle(l => l.Contains("as poison on delivery 10", StringComparison.Ordinal));
        (await Store.ReadPoisonAsync(100)).Should().ContainSingle(p => p.InputId == "reg-sb-last").Which.Reason.Should().Contain("store unavailable");
        (await Store.ReadEventStatusAsync("reg-sb-last")).Should().Be(EventStatus.Poison);

        // A copy delivered later (e.g. re-sent by the producer) is recognised as parked.
        lock (_host.Faults.Failing) _host.Faults.Failing.Clear();
        var (again, againBody) = await DeliverAsync(Invocations.ServiceBus(CloudEvents.Registered("sb-last").ToJsonString(), "sb-last", "reg-sb-last"));
        again.Should().Be(HttpStatusCode.OK);
        Invocations.Logs(againBody).Should().ContainSingle(l => l.Contains("parked as poison before", StringComparison.Ordinal));
    }
}
