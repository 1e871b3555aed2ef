using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Simulation;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Tests.Insights;

public class ExplainerTests
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero); // 10:00 Shanghai

    private const string Journey = """
        journey: promo
        entry:
          event: customer.registered
          reentry: once
        exit:
          - event: customer.unsubscribed
        steps:
          - id: hello
            send: { channel: sms, template: hello, category: transactional }
          - id: wait-2d
            wait: 2d
          - id: offer
            send: { channel: sms, template: hello }
        """;

    private static JourneyVersion Load()
    {
        var result = JourneyLoader.Load("promo.yaml", Journey,
        [
            new TemplateSource("hello", "zh-CN", "你好 {{ customer.name }}"),
            new TemplateSource("hello", "en", "Hi {{ customer.name }}"),
        ]);
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        return result.Journeys.Single();
    }

    private static CustomerEvent Event(string id, string type, DateTimeOffset at, JsonObject? data = null) => new(id, type, "c1", at, data ?? []);

    private static IReadOnlyList<HistoryEntry> Run(CustomerProfile profile, params CustomerEvent[] events) =>
        Simulator.Run([Load()], profile, events, Monday.AddDays(10)).Effects.OfType<RecordHistory>().Select(h => h.Entry).ToList();

    private static CustomerProfile WithSms(bool marketing) => new()
    {
        CustomerId = "c1",
        Name = "Li",
        Channels = System.Collections.Immutable.ImmutableSortedDictionary<string, ChannelConsent>.Empty.Add("sms", new ChannelConsent(true, marketing, "signup", Monday)),
    };

    [Fact]
    public void Explain_NoMarketingConsent_SaysSuppressedWithReason()
    {
        var history = Run(WithSms(marketing: false), Event("e1", EventTypes.Registered, Monday));

        var answer = Explainer.Explain(history, "promo", "offer");

        answer.Status.Should().Be(ExplanationStatus.Suppressed);
        answer.Summary.Should().Contain("no marketing consent for sms");
    }

    [Fact]
    public void Explain_SentStep_SaysSentWithText()
    {
        var history = Run(WithSms(marketing: true), Event("e1", EventTypes.Registered, Monday));

        var answer = Explainer.Explain(history, "promo", "hello");

        answer.Status.Should().Be(ExplanationStatus.Sent);
        answer.Summary.Should().Contain("你好 Li");
    }

    [Fact]
    public void Explain_UnsubscribedBeforeStep_SaysExitedWithEvent()
    {
        var history = Run(WithSms(marketing: true), Event("e1", EventTypes.Registered, Monday), Event("e2", EventTypes.Unsubscribed, Monday.AddDays(1)));

        var answer = Explainer.Explain(history, "promo", "offer");

        answer.Status.Should().Be(ExplanationStatus.Exited);
        answer.Summary.Should().Contain("customer.unsubscribed").And.Contain("e2");
    }

    [Fact]
    public void Explain_SecondRegistration_SaysNotEnteredByReentryPolicy()
    {
        var history = Run(WithSms(marketing: true), Event("e1", EventTypes.Registered, Monday), Event("e2", EventTypes.Registered, Monday.AddDays(5)));

        var answer = Explainer.Explain(history, "promo", null);

        answer.Status.Should().Be(ExplanationStatus.NotEntered);
        answer.Summary.Should().Contain("re-entry policy 'once'");
    }

    [Fact]
    public void Explain_StillWaiting_SaysUntilWhen()
    {
        var history = Simulator.Run([Load()], WithSms(true), [Event("e1", EventTypes.Registered, Monday)], Monday.AddDays(1))
            .Effects.OfType<RecordHistory>().Select(h => h.Entry).ToList();

        var answer = Explainer.Explain(history, "promo", "offer");

        answer.Status.Should().Be(ExplanationStatus.Waiting);
        answer.Summary.Should().Contain("wait-2d").And.Contain("2026-03-04T02:00:00Z");
    }

    [Fact]
    public void Explain_NoHistory_SaysNeverTriggered()
    {
        Explainer.Explain([], "promo", "offer").Status.Should().Be(ExplanationStatus.NeverTriggered);
    }
}
