using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Functions.CustomHandler;
using PrivateFlows.Functions.Tests.Support;
using PrivateFlows.Runtime.Serialization;

namespace PrivateFlows.Functions.Tests;

/// <summary>
/// <c>POST /FireDueTimers</c> publishes due timers to the topic over the Service Bus REST API; fed back through
/// <c>POST /ProcessCustomerEvent</c> (as the session trigger would), a timer message fires the timer.
/// </summary>
public sealed class FireDueTimersTests : IDisposable
{
    private readonly FunctionsHost _host = new();
    private readonly HttpClient _client;

    public FireDueTimersTests() => _client = _host.Client();

    public void Dispose() => _host.Dispose();

    private Task<(HttpStatusCode Status, JsonObject Body)> FireAsync(bool isPastDue = false) => Invocations.PostAsync(_client, "/FireDueTimers", Invocations.Timer(isPastDue));

    private Task<(HttpStatusCode Status, JsonObject Body)> DeliverAsync(JsonObject invocation) => Invocations.PostAsync(_client, "/ProcessCustomerEvent", invocation);

    [Fact]
    public async Task A_due_timer_goes_to_the_topic_and_fires_when_its_message_comes_back()
    {
        var (registered, _) = await DeliverAsync(Invocations.ServiceBus(CloudEvents.Registered("tm-1").ToJsonString(), "tm-1", "reg-tm-1"));
        registered.Should().Be(HttpStatusCode.OK);
        var timer = (await _host.Store.ReadTimersAsync("tm-1")).Should().ContainSingle().Subject;
        timer.DueAt.Should().Be(FunctionsHost.Start.AddDays(1), "onboarding waits a day after the welcome");

        // Nothing due yet: nothing sent.
        var (early, earlyBody) = await FireAsync();
        early.Should().Be(HttpStatusCode.OK);
        Invocations.Logs(earlyBody).Should().ContainSingle(l => l.Contains("no timer due", StringComparison.Ordinal));
        _host.Bus.Requests.Should().BeEmpty();

        _host.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(5));
        var (fired, firedBody) = await FireAsync(isPastDue: true);

        fired.Should().Be(HttpStatusCode.OK);
        Invocations.Logs(firedBody).Should().Contain(l => l.Contains("published 1 due timers to customer-events", StringComparison.Ordinal));
        var request = _host.Bus.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be(HttpMethod.Post);
        request.Uri.Should().Be(new Uri($"https://{FunctionsHost.Namespace}/customer-events/messages"));
        request.Authorization.Should().Be($"Bearer {FunctionsHost.Token}");
        request.ContentType.Should().Be("application/vnd.microsoft.servicebus.json");
        var message = request.Messages.Should().ContainSingle().Subject!.AsObject();
        message["BrokerProperties"]!["SessionId"]!.GetValue<string>().Should().Be("tm-1");
        message["BrokerProperties"]!["MessageId"]!.GetValue<string>().Should().Be(timer.TimerId);
        message["UserProperties"]!["privateflows-kind"]!.GetValue<string>().Should().Be("timer");
        var cloudEvent = JsonNode.Parse(message["Body"]!.GetValue<string>())!.AsObject();
        cloudEvent["specversion"]!.GetValue<string>().Should().Be("1.0");
        cloudEvent["type"]!.GetValue<string>().Should().Be("privateflows.timer.due");
        cloudEvent["id"]!.GetValue<string>().Should().Be(timer.TimerId);
        cloudEvent["subject"]!.GetValue<string>().Should().Be("tm-1");
        cloudEvent["data"]!["instanceId"]!.GetValue<string>().Should().Be(timer.InstanceId);
        DateTimeOffset.Parse(cloudEvent["data"]!["dueAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).Should().Be(timer.DueAt);

        // The timer stays in the index until processed, but is not published again while it is on its way.
        (await _host.Store.ReadTimersAsync("tm-1")).Should().ContainSingle(t => t.TimerId == timer.TimerId);
        await FireAsync();
        _host.Bus.Requests.Should().ContainSingle();

        // The session trigger delivers it back: the timer fires (the onboarding journey issues its coupon) and leaves the index.
        var (processed, processedBody) = await DeliverAsync(Invocations.FromPublished(message));
        processed.Should().Be(HttpStatusCode.OK);
        Invocations.Logs(processedBody).Should().ContainSingle(l => l.Contains($"Processed timer {timer.TimerId}", StringComparison.Ordinal));
        (await _host.Store.ReadCouponsAsync("tm-1")).Should().ContainSingle(c => c.Coupon == "FIRST20");
        (await _host.Store.ReadTimersAsync("tm-1")).Should().NotContain(t => t.TimerId == timer.TimerId);
        var afterFirst = await _host.Store.ReadCustomerAsync("tm-1");

        // The same message again (a re-send inside or beyond the duplicate detection window) changes nothing.
        var (again, againBody) = await DeliverAsync(Invocations.FromPublished(message, deliveryCount: 1));
        again.Should().Be(HttpStatusCode.OK);
        Invocations.Logs(againBody).Should().ContainSingle(l => l.Contains("duplicate ignored", StringComparison.Ordinal));
        (await _host.Store.ReadCouponsAsync("tm-1")).Should().ContainSingle();
        RuntimeJson.Serialize((await _host.Store.ReadCustomerAsync("tm-1"))!.State).Should().Be(RuntimeJson.Serialize(afterFirst!.State));

        // Once processed it is not published again, also after the republish interval.
        _host.Clock.Advance(TimeSpan.FromMinutes(11));
        await FireAsync();
        _host.Bus.Messages.Should().ContainSingle(m => m["BrokerProperties"]!["MessageId"]!.GetValue<string>() == timer.TimerId);
    }

    [Fact]
    public async Task A_timer_whose_message_went_missing_is_published_again_after_the_republish_interval()
    {
        await DeliverAsync(Invocations.ServiceBus(CloudEvents.Registered("tm-2").ToJsonString(), "tm-2", "reg-tm-2"));
        _host.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(5));

        await FireAsync();
        _host.Clock.Advance(TimeSpan.FromMinutes(4));
        await FireAsync();
        _host.Bus.Messages.Should().HaveCount(1);

        _host.Clock.Advance(TimeSpan.FromMinutes(2));
        await FireAsync();
        var sent = _host.Bus.Messages;
        sent.Should().HaveCount(2, "after RepublishAfter (5 min) a timer still in the index is sent again with the same MessageId");
        sent[1].ToJsonString().Should().Be(sent[0].ToJsonString());

        // Both copies arriving is harmless: the second is a duplicate.
        (await DeliverAsync(Invocations.FromPublished(sent[0]))).Status.Should().Be(HttpStatusCode.OK);
        (await DeliverAsync(Invocations.FromPublished(sent[1]))).Status.Should().Be(HttpStatusCode.OK);
        (await _host.Store.ReadCouponsAsync("tm-2")).Should().ContainSingle();
    }

    [Fact]
    public async Task A_failed_send_answers_500_and_the_next_run_sends_the_timer()
    {
        await DeliverAsync(Invocations.ServiceBus(CloudEvents.Registered("tm-3").ToJsonString(), "tm-3", "reg-tm-3"));
        _host.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(5));
        _host.Bus.Status = HttpStatusCode.Unauthorized;

        var (failed, failedBody) = await FireAsync();

        failed.Should().Be(HttpStatusCode.InternalServerError);
        Invocations.Logs(failedBody).Should().ContainSingle(l => l.Contains("sending failed", StringComparison.Ordinal) && l.Contains("401", StringComparison.Ordinal));

        _host.Bus.Status = HttpStatusCode.Created;
        var (next, _) = await FireAsync();
        next.Should().Be(HttpStatusCode.OK);
        _host.Bus.Requests.Should().HaveCount(2);
        _host.Bus.Requests[1].Messages.Should().ContainSingle();
    }

    [Fact]
    public async Task Many_due_timers_go_out_in_batches_under_the_limits()
    {
        using var host = new FunctionsHost(settings: new Dictionary<string, string?> { ["PrivateFlows:ServiceBus:MaxBatchMessages"] = "4" });
        using var client = host.Client();
        for (var i = 0; i < 10; i++)
        {
            var (status, _) = await Invocations.PostAsync(client, "/ProcessCustomerEvent", Invocations.ServiceBus(CloudEvents.Registered($"tm-many-{i:D2}").ToJsonString(), $"tm-many-{i:D2}", $"reg-tm-many-{i:D2}"));
            status.Should().Be(HttpStatusCode.OK);
        }

        host.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(5));
        host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ServiceBusOptions>>().Value.MaxBatchMessages.Should().Be(4);

        var (fired, body) = await Invocations.PostAsync(client, "/FireDueTimers", Invocations.Timer());

        fired.Should().Be(HttpStatusCode.OK);
        Invocations.Logs(body).Should().Contain(l => l.Contains("published 10 due timers", StringComparison.Ordinal));
        host.Bus.Requests.Select(r => r.Messages.Count).Should().Equal(4, 4, 2);
        host.Bus.Requests.Should().OnlyContain(r => System.Text.Encoding.UTF8.GetByteCount(r.Body) < 256 * 1024);
        host.Bus.Messages.Select(m => m["BrokerProperties"]!["SessionId"]!.GetValue<string>()).Should().BeEquivalentTo(Enumerable.Range(0, 10).Select(i => $"tm-many-{i:D2}"));
    }
}
