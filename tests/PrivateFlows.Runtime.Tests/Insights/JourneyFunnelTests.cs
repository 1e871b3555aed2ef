using PrivateFlows.Runtime.Insights;
using PrivateFlows.Workflows.Insights;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Tests.Insights;

/// <summary>
/// The funnel a marketer reads: of those who could have reached a step and did not, who took another branch, who is
/// still on the way, who converted earlier and who really dropped off — counted by hand on a journey with a branch.
/// </summary>
public sealed class JourneyFunnelTests
{
    private const string Version = "v1";

    // wait-1d → ordered-yet ─┬→ coupon → wait-2d ─┬→ done
    //                         └→ thanks ───────────┘
    private const string BranchYaml = """
        journey: funnel-demo
        entry:
          event: app.opened
        steps:
          - id: wait-1d
            wait: 1d
          - id: ordered-yet
            branch:
              - when: "customer.orders.count > 0"
                next: thanks
              - else: coupon
          - id: coupon
            issue_coupon: { coupon: C5, amount: 5, valid: 7d }
          - id: wait-2d
            wait: 2d
            next: done
          - id: thanks
            wait: 1d
          - id: done
            end: completed
        """;

    private static readonly FunnelShape Branch = FunnelShape.Of(Load(BranchYaml));

    [Fact]
    public void Each_step_tells_another_branch_still_on_the_way_converted_earlier_and_dropped_off_apart()
    {
        InstanceSummary[] instances =
        [
            Instance("a", null, "wait-1d"),                                            // waits a day
            Instance("b", InstanceOutcome.Exited, "wait-1d"),                          // unsubscribed while waiting
            Instance("c", null, "wait-1d", "ordered-yet", "coupon", "wait-2d"),
            Instance("d", InstanceOutcome.Completed, "wait-1d", "ordered-yet", "coupon", "wait-2d", "done"),
            Instance("e", null, "wait-1d", "ordered-yet", "thanks"),
            Instance("f", InstanceOutcome.Converted, "wait-1d", "ordered-yet", "thanks"),
            Instance("g", InstanceOutcome.Converted, "wait-1d", "ordered-yet", "coupon"),
        ];

        var funnel = JourneyFunnel.Compute(instances, v => v == Version ? Branch : null).Should().ContainSingle().Subject;

        funnel.Entered.Should().Be(7);
        funnel.Steps.Should().Equal(
            //             step           reached candidates other inProgress convertedBefore droppedOff
            new FunnelStep("wait-1d",     7,      7,         0,    0,         0,              0),
            new FunnelStep("ordered-yet", 5,      7,         0,    1,         0,              1),
            new FunnelStep("coupon",      3,      5,         2,    0,         0,              0),
            new FunnelStep("wait-2d",     2,      3,         0,    0,         1,              0),
            new FunnelStep("thanks",      2,      5,         3,    0,         0,              0),
            new FunnelStep("done",        1,      4,         0,    2,         1,              0));
    }

    [Fact]
    public void Customers_still_waiting_before_the_last_step_are_on_their_way_not_dropped_off()
    {
        var shape = FunnelShape.Linear(["hello", "wait-2d", "done"]);
        InstanceSummary[] waiting = [.. Enumerable.Range(1, 3).Select(i => Instance($"w{i}", null, "hello", "wait-2d"))];

        var done = JourneyFunnel.Compute(waiting, _ => shape).Single().Steps[^1];

        done.Should().Be(new FunnelStep("done", 0, 3, 0, 3, 0, 0));
    }

    [Fact]
    public void Held_out_customers_take_none_of_the_split_paths()
    {
        var shape = FunnelShape.Of(Load("""
            journey: split-demo
            entry:
              event: app.opened
            steps:
              - id: pick
                split:
                  holdout: 20
                  variants:
                    - { name: a, weight: 50, next: wait-a }
                    - { name: b, weight: 50, next: wait-b }
              - id: wait-a
                wait: 1d
                next: done
              - id: wait-b
                wait: 2d
              - id: done
                end: completed
            """));
        InstanceSummary[] held = [Instance("h1", null, "pick") with { Variant = JourneyStats.Holdout }, Instance("h2", InstanceOutcome.Completed, "pick") with { Variant = JourneyStats.Holdout }];

        var steps = JourneyFunnel.Compute(held, _ => shape).Single().Steps;

        steps.Single(s => s.Step == "wait-a").Should().Be(new FunnelStep("wait-a", 0, 2, 2, 0, 0, 0));
    }

    [Fact]
    public void Without_the_version_steps_follow_in_name_order_each_led_to_by_the_row_above()
    {
        InstanceSummary[] instances = [Instance("x", InstanceOutcome.Exited, "a-first"), Instance("y", null, "a-first", "b-second")];

        var steps = JourneyFunnel.Compute(instances, _ => null).Single().Steps;

        steps.Should().Equal(new FunnelStep("a-first", 2, 2, 0, 0, 0, 0), new FunnelStep("b-second", 1, 2, 0, 0, 0, 1));
    }

    [Fact]
    public void Instances_without_step_facts_give_no_steps()
    {
        JourneyFunnel.Compute([Instance("x", null)], _ => Branch).Single().Steps.Should().BeEmpty();
    }

    private static InstanceSummary Instance(string id, InstanceOutcome? outcome, params string[] reached) =>
        new("funnel-demo", Version, null, DateTimeOffset.UnixEpoch.AddMinutes(id[0]), outcome, 0, 0, 0m, 0m) { Reached = [.. reached] };

    private static JourneyDefinition Load(string yaml)
    {
        var result = JourneyLoader.Load("journey.yaml", yaml, []);
        result.Diagnostics.Where(d => d.Severity == Severity.Error).Should().BeEmpty();
        return result.Journeys.Single().Definition;
    }
}
