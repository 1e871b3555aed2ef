using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using PrivateFlows.Durable.Ingress;
using PrivateFlows.Durable.Orchestration;
using PrivateFlows.Functions.Shells;
using PrivateFlows.Functions.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Functions.Tests.Ingress;

/// <summary>
/// The Service Bus trigger shell with messages as Service Bus builds them (<see cref="ServiceBusModelFactory"/>),
/// its binding data in a mocked <see cref="FunctionContext"/>, the orchestrations in the in-process Durable host, and
/// the poison queue's sender mocked.
/// </summary>
public sealed class CustomerEventsTriggerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public async Task A_sessions_events_reach_its_orchestration_in_order_and_a_repeated_id_changes_nothing()
    {
        await using var durable = await DurableJourneys.StartAsync();
        var (trigger, poisoned) = Trigger(durable);
        var events = new[]
        {
            Events.Registered("s1", Now, "s1-reg"),
            Events.AppOpened("s1", Now, "s1-open-1"),
            Events.Order("s1", Now, "s1-order-1"),
            Events.AppOpened("s1", Now, "s1-open-1"), // a producer's retry (Service Bus duplicate detection off or window passed)
            Events.AppOpened("s1", Now, "s1-open-2"),
        };

        foreach (var e in events) await RunAsync(trigger, durable, Message(CloudEventReader.Write(e).ToJsonString(), e.Id, "s1"));

        var status = await durable.SettledAsync("s1", 4);
        status.EventsDecided.Should().Be(4, "the repeated id was not decided again");
        poisoned.Should().BeEmpty();
        var history = durable.ReadModel.History("s1").ToList();
        var entered = history.FindIndex(h => h.Kind == HistoryKind.Entered && h.Journey == "onboarding");
        var converted = history.FindIndex(h => h.Kind == HistoryKind.GoalReached && h.Journey == "onboarding");
        entered.Should().BeGreaterThanOrEqualTo(0, "the sign-up started onboarding");
        converted.Should().BeGreaterThan(entered, "the order, sent after the sign-up, was decided after it");
        var profile = durable.ReadModel.Document("s1")!.State.Profile;
        profile.Activity.Count(EventTypes.AppOpened).Should().Be(2);
        profile.Orders.Count.Should().Be(1);
    }

    [Theory]
    [InlineData("{ not json", DeadLetterReasons.InvalidJson, "not JSON")]
    [InlineData("[1, 2]", DeadLetterReasons.InvalidJson, "one CloudEvent as a JSON object")]
    [InlineData("""{"specversion":"1.0","id":"p-1","type":"app.opened","source":"t","time":"2026-03-02T02:00:00Z"}""", DeadLetterReasons.InvalidEvent, "subject: subject is required")]
    [InlineData("""{"specversion":"1.0","id":"p-2","type":"app.opened","source":"t","subject":"p1","time":"yesterday"}""", DeadLetterReasons.InvalidEvent, "time: time must be an RFC 3339 timestamp")]
    [InlineData("""{"specversion":"1.0","id":"p-3","type":"app.opened","source":"t","subject":"someone-else"}""", DeadLetterReasons.SubjectNotSession, "subject 'someone-else' is not the session id 'p1'")]
    public async Task A_message_that_can_never_be_an_event_of_its_session_is_set_aside_with_a_reason(string body, string reason, string description)
    {
        await using var durable = await DurableJourneys.StartAsync();
        var (trigger, poisoned) = Trigger(durable);

        await RunAsync(trigger, durable, Message(body, "m-1", "p1"));

        var copy = poisoned.Should().ContainSingle().Subject;
        copy.ApplicationProperties[PoisonQueue.ReasonProperty].Should().Be(reason);
        ((string)copy.ApplicationProperties[PoisonQueue.DescriptionProperty]).Should().Contain(description).And.Contain("m-1");
        copy.Body.ToString().Should().Be(body, "ops get the message as it came");
        copy.SessionId.Should().Be("p1");
        (await durable.Client.GetInstanceAsync(CustomerInstances.InstanceId("p1"))).Should().BeNull("nothing reached a customer");
    }

    [Fact]
    public async Task An_event_without_time_happened_when_Service_Bus_accepted_it()
    {
        await using var durable = await DurableJourneys.StartAsync();
        var (trigger, _) = Trigger(durable);
        var enqueued = new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);
        var body = new JsonObject { ["specversion"] = "1.0", ["id"] = "t-1", ["type"] = EventTypes.AppOpened, ["source"] = "t", ["subject"] = "t1" };

        await RunAsync(trigger, durable, Message(body.ToJsonString(), "t-1", "t1", enqueued));

        await durable.SettledAsync("t1", 1);
        durable.ReadModel.Steps("t1").Single().At.Should().Be(enqueued);
    }

    private static (CustomerEventsTrigger Trigger, List<ServiceBusMessage> Poisoned) Trigger(DurableJourneys durable)
    {
        var poisoned = new List<ServiceBusMessage>();
        var sender = new Mock<ServiceBusSender>();
        sender.Setup(s => s.EntityPath).Returns("customer-events-poison");
        sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .Callback<ServiceBusMessage, CancellationToken>((m, _) => poisoned.Add(m))
            .Returns(Task.CompletedTask);
        return (new CustomerEventsTrigger(durable.Ingress, new PoisonQueue(sender.Object, NullLogger<PoisonQueue>.Instance)), poisoned);
    }

    private static ServiceBusReceivedMessage Message(string body, string messageId, string sessionId, DateTimeOffset? enqueued = null) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(body: BinaryData.FromString(body), messageId: messageId, sessionId: sessionId, enqueuedTime: enqueued ?? Now, deliveryCount: 1);

    /// <summary>Calls the shell the way the worker does: the body, and the message's properties as binding data.</summary>
    private static Task RunAsync(CustomerEventsTrigger trigger, DurableJourneys durable, ServiceBusReceivedMessage message)
    {
        var data = new Dictionary<string, object?>
        {
            ["MessageId"] = message.MessageId,
            ["SessionId"] = message.SessionId,
            ["EnqueuedTimeUtc"] = message.EnqueuedTime.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["DeliveryCount"] = message.DeliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var binding = new Mock<BindingContext>();
        binding.Setup(b => b.BindingData).Returns(data);
        var context = new Mock<FunctionContext>();
        context.Setup(c => c.BindingContext).Returns(binding.Object);
        context.Setup(c => c.CancellationToken).Returns(CancellationToken.None);
        return trigger.Run(message.Body.ToArray(), context.Object, durable.Client);
    }
}
