using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>A send deferred by quiet hours or caps waits on its own timer; the journey does not stall behind it.</summary>
public class DeferredSendTests
{
    private const string Yaml = """
        journey: deferral
        entry:
          event: customer.registered
        goal:
          event: coupon.redeemed
          within: 3d
        steps:
          - id: promo
            send: { channel: sms, template: promo, on_limit: defer }
          - id: await-order
            wait_for:
              event: order.completed
              timeout: 2d
              on_timeout: too-late
          - id: thanks
            send: { channel: sms, template: thanks, category: transactional }
            next: done
          - id: too-late
            end: exited
          - id: done
            end: completed
        """;

    private static readonly JourneyVersion Journey = JourneyLoader.Load("deferral.yaml", Yaml,
    [
        new TemplateSource("promo", "zh-CN", "新品上市"), new TemplateSource("promo", "en", "New in"),
        new TemplateSource("thanks", "zh-CN", "谢谢下单"), new TemplateSource("thanks", "en", "Thanks"),
        new TemplateSource("_marketing", "zh-CN", "【广告】{{ body }}"), new TemplateSource("_marketing", "en", "[Ad] {{ body }}"),
    ]).Journeys.Single();

    [Fact]
    public void Decide_EventArrivesWhileSendDeferred_EventIsNotMissedAndSendStillGoes()
    {
        var lin = People.LinXiao("c1");
        var registered = Clock.Shanghai(2026, 3, 2, 23, 0);   // quiet hours: promo deferred to 09:00
        var ordered = Clock.Shanghai(2026, 3, 3, 7, 30);      // before the deferred send is due

        var result = Sim.Run(Journey, lin, registered.AddDays(3), Events.Registered("r1", registered), Events.Order("o1", ordered));

        result.Single("deferred", "promo").Time.Should().Be(registered);
        result.Single("event_matched", "await-order").Time.Should().Be(ordered);
        result.Single("sent", "thanks").Time.Should().Be(ordered);
        var promo = result.Single("sent", "promo");
        Clock.Local(promo.Time, "Asia/Shanghai").Should().Be("2026-03-03 09:00");
        result.Completions().Should().ContainSingle(c => c.Outcome == InstanceOutcome.Completed);
    }

    [Fact]
    public void Decide_GoalReachedBeforeDeferredSendIsDue_SendDroppedAsNoLongerRelevant()
    {
        var lin = People.LinXiao("c1");
        var registered = Clock.Shanghai(2026, 3, 2, 23, 0);
        var redeemed = Clock.Shanghai(2026, 3, 3, 8, 0);

        var result = Sim.Run(Journey, lin, registered.AddDays(3), Events.Registered("r1", registered), Events.Make("x1", "coupon.redeemed", redeemed));

        result.Timeline.Should().NotContain(t => t.Kind == "sent" && t.Step == "promo");
        result.Single("suppressed", "promo").Detail.Should().Be("promo dropped: no longer relevant, the instance converted");
        result.Sends().Should().BeEmpty();
    }
}
