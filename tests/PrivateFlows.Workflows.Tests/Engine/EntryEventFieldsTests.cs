using System.Collections.Immutable;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

public class EntryEventFieldsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(BuiltIn.Onboarding, "channel")]
    [InlineData(BuiltIn.RepurchaseNudge, "amount,channel,items")]
    [InlineData(BuiltIn.WinBack, "channel")]
    [InlineData(BuiltIn.BirthdayCare, "channel")]
    public void For_BuiltInJourney_IsTheFieldsItsExpressionsName(string journey, string fields) =>
        EntryEventFields.For(BuiltIn.Journey(journey))!.Order(StringComparer.Ordinal).Should().Equal(fields.Split(','));

    [Fact]
    public void For_JourneyWithReferralReward_KeepsAllData() =>
        EntryEventFields.For(BuiltIn.Journey(BuiltIn.ReferralReward)).Should().BeNull("the referral reward reads the entry event in code");

    [Theory]
    [InlineData("{{ entry.data[\"orderId\"] }}")]
    [InlineData("{{ for f in entry.data }}{{ f }}{{ end }}")]
    [InlineData("{{ x = event }}{{ x.data.orderId }}")]
    [InlineData("{{ entry.data.items[0].sku }}")]
    public void For_TemplateUsingTheDataAnyOtherWay_KeepsAllData(string template) =>
        EntryEventFields.For(Journey(template)).Should().BeNull();

    [Fact]
    public void For_TemplateNamingFieldsAndEnvelope_IsThoseFields() =>
        EntryEventFields.For(Journey("{{ entry.data.orderId }} {{ event.data.amount | math.format \"0\" }} {{ entry.id }} {{ event.time }}"))!
            .Order(StringComparer.Ordinal).Should().Equal("amount", "orderId");

    [Fact]
    public void Decide_NewInstance_IsStoredWithOnlyTheFieldsItsVersionReads()
    {
        var journey = Journey("Order {{ entry.data.orderId }} shipped");
        var order = Events.Order("o1", T0, orderId: "SO-9", useCycleDays: 30);

        var started = CustomerDecider.Decide(CustomerState.New("c1"), new EventReceived(order), DecisionContext.For(T0, [journey])).State;

        var entry = started.Instances.Should().ContainSingle().Subject.EntryEvent;
        entry.Data.ToJsonString().Should().Be("{\"orderId\":\"SO-9\"}");
        (entry.Id, entry.Type, entry.Time, entry.Subject).Should().Be((order.Id, order.Type, order.Time, order.Subject));
        order.Data.Count.Should().BeGreaterThan(1, "the event itself is not changed");
    }

    [Fact]
    public void Prune_InstanceStoredWithItsWholeEntryEvent_KeepsOnlyTheFieldsItsVersionReads()
    {
        var journey = Journey("Order {{ entry.data.orderId }} shipped");
        var context = DecisionContext.For(T0.AddDays(1), [journey]);
        var order = Events.Order("o1", T0, orderId: "SO-9", useCycleDays: 30);
        var started = CustomerDecider.Decide(CustomerState.New("c1"), new EventReceived(order), DecisionContext.For(T0, [journey])).State;
        var stored = started with { Instances = [started.Instances.Single() with { EntryEvent = order }] }; // as documents before trimming

        var pruned = StatePruning.Prune(stored, context);

        pruned.Instances.Single().EntryEvent.Data.ToJsonString().Should().Be("{\"orderId\":\"SO-9\"}");
        StatePruning.Prune(pruned, context).Instances.Should().Equal(pruned.Instances, "nothing left to drop: the same instance");
    }

    [Fact]
    public void Decide_TrimmedEntryEvent_SendsTheSameMessageAsTheWholeOne()
    {
        var journey = Journey("Order {{ entry.data.orderId }} of {{ entry.data.amount }}");
        var order = Events.Order("o1", T0, amount: 88m, orderId: "SO-9");
        var consenting = CustomerState.New("c1") with
        {
            Profile = new CustomerProfile { CustomerId = "c1", Phone = "13800000000", Channels = ImmutableSortedDictionary<string, ChannelConsent>.Empty.Add("sms", new ChannelConsent(true, true, "signup", T0, "13800000000")) },
        };
        var started = CustomerDecider.Decide(consenting, new EventReceived(order), DecisionContext.For(T0, [journey])).State;
        var instance = started.Instances.Single();
        var timer = new TimerFired(instance.Waiting!.TimerId!, instance.InstanceId, instance.Waiting.Until!.Value);
        var context = DecisionContext.For(instance.Waiting.Until!.Value, [journey]);

        var whole = started with { Instances = [instance with { EntryEvent = order }] };
        var pruned = CustomerDecider.Decide(started, timer, context);
        var full = CustomerDecider.Decide(whole, timer, context);

        var body = full.Effects.OfType<SendMessage>().Should().ContainSingle().Subject.Body;
        body.Should().Contain("SO-9").And.Contain("88");
        pruned.Effects.OfType<SendMessage>().Single().Body.Should().Be(body);
    }

    /// <summary>A journey entered on an order that waits a day, then sends an SMS with <paramref name="template"/>.</summary>
    private static JourneyVersion Journey(string template)
    {
        const string yaml = """
            journey: shipped
            entry:
              event: order.completed
            steps:
              - id: later
                wait: 1d
              - id: tell
                send: { channel: sms, template: shipped, category: transactional }
            """;
        TemplateSource[] templates = [new("shipped", "zh-CN", template, "templates/shipped.zh-CN.sbn"), new("shipped", "en", template, "templates/shipped.en.sbn")];
        var result = JourneyLoader.Load("shipped.yaml", yaml, templates);
        return result.Journeys.Should().ContainSingle(string.Join("; ", result.Diagnostics.Select(d => d.Message))).Subject;
    }
}
