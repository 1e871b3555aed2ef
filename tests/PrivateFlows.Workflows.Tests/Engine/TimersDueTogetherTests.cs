using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>Everything due for one customer at one instant is one decision, taken in journey priority order.</summary>
public class TimersDueTogetherTests
{
    private static readonly DateTimeOffset SignUp = Clock.Shanghai(2026, 3, 2, 10, 0);
    private static readonly DateTimeOffset Birthday = Clock.Shanghai(2026, 3, 15, 10, 0);

    /// <summary>
    /// A low-priority promotion on the same morning as the birthday. Its name sorts before "birthday-care", so its
    /// timer id sorts first: before timers due together were decided together, it took the day's marketing slot.
    /// </summary>
    public const string PromotionYaml = """
        journey: anniversary-promotion
        category: marketing
        priority: 10
        entry:
          event: customer.registered
        steps:
          - id: wait-sale
            wait_until: { time: "10:00", date: '"2026-03-15"' }
          - id: promo
            send: { channel: sms, template: anniversary-promo }
        """;

    public static readonly TemplateSource[] PromotionTemplates =
    [
        new("anniversary-promo", "zh-CN", "{{ customer.name }}，周年庆全场八折"),
        new("anniversary-promo", "en", "{{ customer.name }}, 20% off everything for our anniversary"),
    ];

    private static JourneyVersion Promotion()
    {
        var result = JourneyLoader.Load("anniversary-promotion.yaml", PromotionYaml, [.. PromotionTemplates, .. BuiltIn.Templates.Where(t => t.Name == MessageRenderer.MarketingPartial)]);
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        return result.Journeys.Single();
    }

    [Fact]
    public void Decide_PromotionAndBirthdayDueTogether_BirthdayGreetingWinsTheSlotAndThePromotionWaits()
    {
        var journeys = new[] { Promotion(), BuiltIn.Journey(BuiltIn.BirthdayCare) };
        var registered = Events.Registered("r1", SignUp, data: new JsonObject { ["birthday"] = "1990-03-15" });

        var result = Sim.Run(journeys, People.LinXiao("c1"), Birthday.AddDays(3), ContactPolicy.Default, registered);

        var greeting = result.Timeline.Single(t => t.Kind == "sent" && t.Journey == BuiltIn.BirthdayCare);
        greeting.Time.Should().Be(Birthday, "the birthday greeting (priority 80) goes out on the birthday:\n" + result.Dump());
        var deferred = result.Timeline.Single(t => t.Kind == "deferred");
        deferred.Journey.Should().Be("anniversary-promotion");
        deferred.Time.Should().Be(Birthday);
        result.Timeline.Single(t => t.Kind == "sent" && t.Journey == "anniversary-promotion").Time.Should().Be(Birthday.AddDays(1));
    }

    [Fact]
    public void Decide_TimerFiredWithAnotherDueAtTheSameInstant_OneDecisionTakesBothAndCancelsTheOther()
    {
        var journeys = new[] { Promotion(), BuiltIn.Journey(BuiltIn.BirthdayCare) };
        var registered = Events.Registered("r1", SignUp, data: new JsonObject { ["birthday"] = "03-15" });
        var entered = CustomerDecider.Decide(CustomerState.New("c1") with { Profile = People.LinXiao("c1") }, new EventReceived(registered), DecisionContext.For(SignUp, journeys));
        var timers = entered.Effects.OfType<ScheduleTimer>().OrderBy(t => t.TimerId, StringComparer.Ordinal).ToList();
        timers.Should().HaveCount(2).And.OnlyContain(t => t.DueAt == Birthday);
        timers[0].InstanceId.Should().StartWith("anniversary-promotion", "the promotion's timer sorts first, so a store fires it first");

        var decision = CustomerDecider.Decide(entered.State, new TimerFired(timers[0].TimerId, timers[0].InstanceId, Birthday), DecisionContext.For(Birthday, journeys));

        decision.Effects.OfType<SendMessage>().Should().ContainSingle().Which.Journey.Should().Be(BuiltIn.BirthdayCare);
        decision.Effects.OfType<CancelTimer>().Should().ContainSingle().Which.TimerId.Should().Be(timers[1].TimerId, "the birthday's timer was consumed by this decision");
        decision.Effects.OfType<RecordHistory>().Should().Contain(h => h.Entry.Kind == HistoryKind.Deferred && h.Entry.Journey == "anniversary-promotion");

        var stale = CustomerDecider.Decide(decision.State, new TimerFired(timers[1].TimerId, timers[1].InstanceId, Birthday), DecisionContext.For(Birthday, journeys));
        stale.Effects.OfType<SendMessage>().Should().BeEmpty("firing the consumed timer anyway changes nothing");
        stale.Effects.OfType<RecordHistory>().Should().BeEmpty();
    }
}
