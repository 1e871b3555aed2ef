using System.Text.Json.Serialization;
using MassTransit;

namespace PrivateFlows.Benchmarks.Peer;

/// <summary>A customer registered (starts the onboarding saga).</summary>
public sealed record CustomerRegistered(Guid CorrelationId, string CustomerId, string EventId, DateTimeOffset Time, string? Name, string Locale, bool Sms, bool Push, bool Email);

/// <summary>Any other event of the stream for the customer (orders, opt-outs, app opens, …).</summary>
public sealed record CustomerActivity(Guid CorrelationId, string CustomerId, string EventId, string Type, DateTimeOffset Time, string? Channel);

public sealed record FirstDayElapsed(Guid CorrelationId);

public sealed record ThirdDayElapsed(Guid CorrelationId);

public sealed record GoalWindowElapsed(Guid CorrelationId);

/// <summary>A message the saga sends (the peer's sandbox: recorded with the saga in the same transaction).</summary>
public sealed record SentMessage(string EffectId, string Channel, string Template, string Body);

/// <summary>The onboarding journey's state for one customer.</summary>
public sealed class OnboardingState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public int Version { get; set; }
    public string CurrentState { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string? Name { get; set; }
    public string Locale { get; set; } = "zh-CN";
    public bool Sms { get; set; }
    public bool Push { get; set; }
    public bool Email { get; set; }
    public int Orders { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset GoalDeadline { get; set; }
    public string? Outcome { get; set; }
    public Guid? FirstDayToken { get; set; }
    public Guid? ThirdDayToken { get; set; }
    public Guid? GoalToken { get; set; }

    /// <summary>Messages sent while handling the current message; written by the repository with the saga.</summary>
    [JsonIgnore]
    public List<SentMessage> Outbox { get; } = [];
}

/// <summary>
/// The built-in onboarding journey (workflows/journeys/onboarding.yaml) as a MassTransit state machine: welcome push
/// at once; after a day a first-order coupon by SMS unless the customer ordered; after two more days a tips email;
/// converts on an order within 14 days, exits on a full opt-out. Timers are MassTransit scheduled messages.
/// </summary>
public sealed class OnboardingStateMachine : MassTransitStateMachine<OnboardingState>
{
    public OnboardingStateMachine()
    {
        InstanceState(x => x.CurrentState);

        Event(() => Registered, x => x.CorrelateById(c => c.Message.CorrelationId));
        Event(() => Activity, x =>
        {
            x.CorrelateById(c => c.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Schedule(() => FirstDay, x => x.FirstDayToken, s =>
        {
            s.Delay = TimeSpan.FromDays(1);
            s.Received = r => r.CorrelateById(c => c.Message.CorrelationId);
        });
        Schedule(() => ThirdDay, x => x.ThirdDayToken, s =>
        {
            s.Delay = TimeSpan.FromDays(2);
            s.Received = r => r.CorrelateById(c => c.Message.CorrelationId);
        });
        Schedule(() => GoalWindow, x => x.GoalToken, s =>
        {
            s.Delay = TimeSpan.FromDays(11);
            s.Received = r => r.CorrelateById(c => c.Message.CorrelationId);
        });

        Initially(
            When(Registered)
                .Then(c =>
                {
                    var s = c.Saga;
                    var m = c.Message;
                    (s.CustomerId, s.Name, s.Locale, s.Sms, s.Push, s.Email) = (m.CustomerId, m.Name, m.Locale, m.Sms, m.Push, m.Email);
                    s.StartedAt = DateTimeOffset.UtcNow;
                    s.GoalDeadline = s.StartedAt.AddDays(14);
                    if (s.Push) Send(s, "welcome", "app_push", "onboarding-welcome", s.Locale == "en-US" ? $"Welcome, {s.Name}!" : $"欢迎你，{s.Name}！");
                })
                .Schedule(FirstDay, c => new FirstDayElapsed(c.Saga.CorrelationId))
                .TransitionTo(WaitingFirstDay));

        During(WaitingFirstDay, WaitingThirdDay, InGoalWindow,
            Ignore(Registered),
            When(Activity, c => c.Message.Type == "order.completed" && c.Message.Time <= c.Saga.GoalDeadline)
                .Then(c =>
                {
                    c.Saga.Orders++;
                    c.Saga.Outcome = "converted";
                })
                .Unschedule(FirstDay)
                .Unschedule(ThirdDay)
                .Unschedule(GoalWindow)
                .Finalize(),
            When(Activity, c => c.Message.Type == "customer.unsubscribed" && string.IsNullOrEmpty(c.Message.Channel))
                .Then(c => c.Saga.Outcome = "exited")
                .Unschedule(FirstDay)
                .Unschedule(ThirdDay)
                .Unschedule(GoalWindow)
                .Finalize(),
            When(Activity, c => c.Message.Type == "customer.unsubscribed" && !string.IsNullOrEmpty(c.Message.Channel))
                .Then(c =>
                {
                    if (c.Message.Channel == "sms") c.Saga.Sms = false;
                    if (c.Message.Channel == "email") c.Saga.Email = false;
                    if (c.Message.Channel == "app_push") c.Saga.Push = false;
                }));

        During(WaitingFirstDay,
            When(FirstDay!.Received)
                .Then(c =>
                {
                    var s = c.Saga;
                    if (s.Orders == 0 && s.Sms) Send(s, "coupon-sms", "sms", "onboarding-coupon", $"FIRST20-{s.CustomerId}: ¥20 off your first order");
                })
                .Schedule(ThirdDay, c => new ThirdDayElapsed(c.Saga.CorrelationId))
                .TransitionTo(WaitingThirdDay));

        During(WaitingThirdDay,
            When(ThirdDay!.Received)
                .Then(c =>
                {
                    if (c.Saga.Email) Send(c.Saga, "tips", "email", "onboarding-tips", "Shopping tips for new members");
                })
                .Schedule(GoalWindow, c => new GoalWindowElapsed(c.Saga.CorrelationId))
                .TransitionTo(InGoalWindow));

        During(InGoalWindow,
            When(GoalWindow!.Received)
                .Then(c => c.Saga.Outcome = "completed")
                .Finalize());

        SetCompletedWhenFinalized();
        OnUnhandledEvent(x => x.Ignore());
    }

    public State? WaitingFirstDay { get; private set; }
    public State? WaitingThirdDay { get; private set; }
    public State? InGoalWindow { get; private set; }

    public Event<CustomerRegistered>? Registered { get; private set; }
    public Event<CustomerActivity>? Activity { get; private set; }

    public Schedule<OnboardingState, FirstDayElapsed>? FirstDay { get; private set; }
    public Schedule<OnboardingState, ThirdDayElapsed>? ThirdDay { get; private set; }
    public Schedule<OnboardingState, GoalWindowElapsed>? GoalWindow { get; private set; }

    private static void Send(OnboardingState saga, string step, string channel, string template, string body) =>
        saga.Outbox.Add(new SentMessage($"{saga.CorrelationId:N}/{step}", channel, template, body));
}
