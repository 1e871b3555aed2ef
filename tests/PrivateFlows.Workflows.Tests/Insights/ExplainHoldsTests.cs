using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Insights;

/// <summary>Issue 18.4: a message held for quiet hours or a frequency cap and then sent is explained with the hold: why, from when, until when.</summary>
public class ExplainHoldsTests
{
    private static readonly TemplateSource[] Templates =
    [
        new("promo", "zh-CN", "{{ customer.name }}，新品上架"),
        new("promo", "en", "{{ customer.name }}, new arrivals"),
    ];

    private static JourneyVersion OneSend(string name, int priority)
    {
        var yaml = $$"""
            journey: {{name}}
            category: marketing
            priority: {{priority}}
            entry:
              event: customer.registered
            steps:
              - id: offer
                send: { channel: sms, template: promo }
            """;
        return JourneyLoader.Load(name + ".yaml", yaml, Templates).Journeys.Single();
    }

    private static IReadOnlyList<HistoryEntry> History(IEnumerable<JourneyVersion> journeys, DateTimeOffset at) =>
        Sim.Run(journeys, People.LinXiao("c1"), at.AddDays(5), ContactPolicy.Default, Events.Registered("r1", at)).Effects.OfType<RecordHistory>().Select(h => h.Entry).ToList();

    [Fact]
    public void Explain_SentAfterQuietHours_NamesTheHoldFromAndUntil()
    {
        var evening = Clock.Shanghai(2026, 3, 2, 22, 0);

        var answer = Explainer.Explain(History([OneSend("promo-a", 50)], evening), "promo-a", "offer");

        answer.Status.Should().Be(ExplanationStatus.Sent);
        answer.Summary.Should().StartWith("sent at 2026-03-03T01:00:00Z after being held (quiet hours 21:00–09:00 in Asia/Shanghai from 2026-03-02T14:00:00Z until 2026-03-03T01:00:00Z): sms promo");
        answer.Evidence.Select(e => e.Kind).Should().Contain([HistoryKind.Deferred, HistoryKind.Sent]);
    }

    [Fact]
    public void Explain_SentAfterAFrequencyCap_NamesTheCap()
    {
        var morning = Clock.Shanghai(2026, 3, 2, 10, 0);

        var answer = Explainer.Explain(History([OneSend("promo-a", 60), OneSend("promo-b", 40)], morning), "promo-b", "offer");

        answer.Status.Should().Be(ExplanationStatus.Sent);
        answer.Summary.Should().StartWith("sent at 2026-03-03T02:00:00Z after being held (frequency cap 1 marketing per 1d on all channels reached from 2026-03-02T02:00:00Z until 2026-03-03T02:00:00Z)");
    }

    [Fact]
    public void Explain_SentWithoutHold_Unchanged()
    {
        var answer = Explainer.Explain(History([OneSend("promo-a", 50)], Clock.Shanghai(2026, 3, 2, 10, 0)), "promo-a", "offer");

        answer.Summary.Should().StartWith("sent at 2026-03-02T02:00:00Z: sms promo").And.NotContain("held");
    }
}
