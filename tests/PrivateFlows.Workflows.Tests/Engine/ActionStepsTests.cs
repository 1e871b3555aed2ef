using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Engine.Steps;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>
/// The action steps' effects, ids and history texts, pinned byte for byte: receivers parse the webhook body, stores key
/// on the ids and ops read the texts, so a refactor of the step behaviours must not change them.
/// </summary>
public class ActionStepsTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 3, 2, 10, 0);

    private static readonly JourneyVersion Actions = Load("""
        journey: actions
        category: transactional
        entry:
          event: customer.registered
        steps:
          - id: tag-new
            tag: [newcomer, trial]
          - id: untag-old
            untag: prospect
          - id: remember
            set_attribute: { name: segment, value: "customer.locale" }
          - id: coupon
            issue_coupon: { coupon: FIRST20, amount: 20.5, valid: 7d }
          - id: points
            award_points: { points: 30 }
          - id: hook
            webhook: { url: "https://example.com/hook" }
          - id: done
            end: converted
        """);

    private static JourneyVersion Load(string yaml)
    {
        var result = JourneyLoader.Load("actions.yaml", yaml, []);
        result.Diagnostics.Where(d => d.IsError).Should().BeEmpty();
        return result.Journeys.Single();
    }

    private static Decision Enter() =>
        CustomerDecider.Decide(new CustomerState { Profile = People.LinXiao("c1") }, new EventReceived(Events.Registered("r1", T0)), DecisionContext.For(T0, [Actions]));

    [Fact]
    public void Decide_ActionSteps_EffectIdsAndHistoryTextsUnchanged()
    {
        var decision = Enter();
        var id = DeterministicIds.Instance("c1", "actions", "r1");

        decision.Effects.Where(e => e is not RecordHistory).Select(e => $"{e.GetType().Name} {e.EffectId}").Should().Equal(
            $"ChangeTags {id}/1/tag",
            $"ChangeTags {id}/2/untag",
            $"SetAttribute {id}/3/attribute",
            $"IssueCoupon {id}/4/coupon",
            $"AwardPoints {id}/5/points",
            $"CallWebhook {id}/6/webhook",
            $"CompleteInstance {id}/7/complete",
            "ScheduleTimer c1/loyalty/20271231T160000Z"); // the awarded points' expiry
        decision.Effects.OfType<RecordHistory>().Select(h => $"{h.EffectId} {h.Entry.Kind} {h.Entry.Step}: {h.Entry.Detail}").Should().Equal(
            $"{id}/h0 Entered : entered on customer.registered (r1), version {Actions.Version}",
            $"{id}/h1 Action tag-new: tagged newcomer, trial",
            $"{id}/h2 Action untag-old: removed tag prospect",
            $"{id}/h3 Action remember: set segment = zh-CN",
            $"{id}/h4 Action coupon: issued coupon FIRST20-B8F79C84 (20.5, valid until 2026-03-09)",
            $"{id}/h5 Action points: awarded 30 points (actions/points)",
            $"{id}/h6 Action hook: called webhook https://example.com/hook",
            $"{id}/h7 GoalReached done: converted: ended at step 'done'");
    }

    [Fact]
    public void Decide_WebhookStep_BodyIsTheDocumentedJson()
    {
        var decision = Enter();
        var id = DeterministicIds.Instance("c1", "actions", "r1");

        var webhook = decision.Effects.OfType<CallWebhook>().Single();
        webhook.Body.Should().Be(
            $$"""{"event":"actions.hook","journey":"actions","version":"{{Actions.Version}}","instanceId":"{{id}}","step":"hook","customerId":"c1","time":"2026-03-02T02:00:00Z","variant":null}""");
    }

    [Fact]
    public void StepBehaviours_EveryStepKindOfTheLanguage_HasABehaviour()
    {
        var kinds = typeof(Step).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Step)) && !t.IsAbstract);

        StepBehaviours.StepTypes.Should().BeEquivalentTo(kinds);
    }
}
