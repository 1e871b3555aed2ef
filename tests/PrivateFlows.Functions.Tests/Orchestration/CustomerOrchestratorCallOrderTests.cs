using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Moq.Protected;
using PrivateFlows.Durable.Activities;
using PrivateFlows.Durable.Journeys;
using PrivateFlows.Durable.Orchestration;
using PrivateFlows.Functions.Tests.Support;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Functions.Tests.Orchestration;

/// <summary>The orchestrator against a mocked <see cref="TaskOrchestrationContext"/>: what it asks Durable to do, in order.</summary>
public sealed class CustomerOrchestratorCallOrderTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_sign_up_is_decided_sent_and_written_then_the_generation_continues_as_new_with_the_owed_timer()
    {
        var calls = new List<string>();
        string? carried = null;
        var context = Context(CustomerJourneys.New("m1", [Events.Registered("m1", Start)]), calls, json => carried = json);
        var orchestrator = new CustomerOrchestrator(ShippedJourneys.Load(DurableJourneys.JourneysFolder), JourneyClock.RealTime, maxDecisionsPerGeneration: 1);

        await orchestrator.RunAsync(context.Object);

        // The event waiter comes first (events already buffered are taken in before choosing), and stays: Durable hands
        // events raised after the ContinueAsNew to the next generation.
        calls.Should().Equal(ActivityNames.JourneyVersions, "wait:customer-event", ActivityNames.DeliverMessage, ActivityNames.WriteStep, "continue-as-new");
        var next = RuntimeJson.Deserialize<CustomerJourneys>(carried!);
        next.DecidedEvents.Should().Equal("reg-1");
        next.Inbox.Should().BeEmpty();
        next.Timers.Should().Contain(t => t.DueAt == Start + TimeSpan.FromDays(1), "onboarding's one-day wait is owed to the next generation");
        next.Decisions.Should().Be(1);
    }

    [Fact]
    public void A_timer_and_an_event_at_the_same_instant_the_timer_goes_first_as_in_the_simulator()
    {
        var e = Events.AppOpened("m2", Start, "open-1");
        var run = CustomerJourneys.New("m2", [e]) with { Timers = [new PendingTimer("t-1", "loyalty", Start)] };

        run.Next()!.Input.Should().BeOfType<TimerFired>();
        (run with { Timers = [new PendingTimer("t-1", "loyalty", Start + TimeSpan.FromTicks(1))] }).Next()!.Input.Should().BeOfType<EventReceived>();
    }

    [Fact]
    public void An_event_older_than_the_last_decision_is_decided_at_the_last_decisions_instant()
    {
        var run = CustomerJourneys.New("m3", [Events.AppOpened("m3", Start, "late")]) with { LastDecision = Start + TimeSpan.FromHours(1) };

        run.Next()!.At.Should().Be(Start + TimeSpan.FromHours(1), "journey time never runs backwards for a customer");
    }

    private static Mock<TaskOrchestrationContext> Context(CustomerJourneys input, List<string> calls, Action<string> continued)
    {
        var journeys = ShippedJourneys.Load(DurableJourneys.JourneysFolder);
        var context = new Mock<TaskOrchestrationContext> { CallBase = true };
        context.Protected().Setup<ILoggerFactory>("LoggerFactory").Returns(NullLoggerFactory.Instance);
        context.Setup(c => c.InstanceId).Returns(CustomerInstances.InstanceId(input.CustomerId));
        context.Setup(c => c.CurrentUtcDateTime).Returns(Start.UtcDateTime + TimeSpan.FromMinutes(5));
        context.Setup(c => c.GetInput<string>()).Returns(RuntimeJson.Serialize(input));
        context.Setup(c => c.CallActivityAsync<string[]>(It.Is<TaskName>(n => n.Name == ActivityNames.JourneyVersions), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback(() => calls.Add(ActivityNames.JourneyVersions)).ReturnsAsync([.. journeys.Latest]);
        context.Setup(c => c.CallActivityAsync<string>(It.Is<TaskName>(n => n.Name == ActivityNames.DeliverMessage), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback<TaskName, object?, TaskOptions?>((_, effect, _) => calls.Add(ActivityNames.DeliverMessage))
            .Returns<TaskName, object?, TaskOptions?>((_, effect, _) =>
            {
                var send = (SendMessage)RuntimeJson.Deserialize<Effect>((string)effect!);
                return Task.FromResult(RuntimeJson.Serialize(new MessageRecord(send.EffectId, send.CustomerId, send.InstanceId, send.Journey, send.StepId, send.Channel, "transactional", send.Template, send.Locale, send.Subject, send.Body, send.Address, "sandbox", DeliveryStatus.Sandboxed, 0, null, Start)));
            });
        context.Setup(c => c.CallActivityAsync<object>(It.Is<TaskName>(n => n.Name == ActivityNames.WriteStep), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback(() => calls.Add(ActivityNames.WriteStep)).ReturnsAsync((object)null!);
        context.Setup(c => c.WaitForExternalEvent<string>(CustomerInstances.EventName, It.IsAny<CancellationToken>()))
            .Callback(() => calls.Add("wait:customer-event")).Returns(new TaskCompletionSource<string>().Task);
        context.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>()))
            .Callback<object?, bool>((json, _) => { calls.Add("continue-as-new"); continued((string)json!); });
        return context;
    }
}
