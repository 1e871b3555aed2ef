using System.Globalization;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>A/B/n splits with a holdout: deterministic by customer id + journey name, stable across versions, close to the weights.</summary>
public class SplitTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 3, 2, 10, 0);
    private const int Customers = 2_000;

    private static JourneyVersion SplitJourney(string copy, int holdout = 10, string weights = "50,30,20")
    {
        var w = weights.Split(',');
        var yaml = $$"""
            journey: ab-test
            entry:
              event: customer.registered
              reentry: always
            goal:
              event: order.completed
              within: 14d
            steps:
              - id: pick
                split:
                  holdout: {{holdout}}
                  variants:
                    - { name: a, weight: {{w[0]}}, next: send-a }
                    - { name: b, weight: {{w[1]}}, next: send-b }
                    - { name: c, weight: {{w[2]}}, next: send-c }
              - id: send-a
                send: { channel: sms, template: offer, category: transactional }
                next: done
              - id: send-b
                send: { channel: sms, template: offer, category: transactional }
                next: done
              - id: send-c
                send: { channel: sms, template: offer, category: transactional }
                next: done
              - id: done
                end: completed
            """;
        TemplateSource[] templates = [new("offer", "zh-CN", copy + " {{ vars.variant }}"), new("offer", "en", "Offer {{ vars.variant }}")];
        var result = JourneyLoader.Load("ab-test.yaml", yaml, templates);
        result.HasErrors.Should().BeFalse(string.Join(Environment.NewLine, result.Diagnostics));
        return result.Journeys.Single();
    }

    /// <summary>The variant a customer gets on entering (or "holdout").</summary>
    private static string VariantOf(JourneyVersion journey, string customerId)
    {
        var state = new CustomerState { Profile = People.LinXiao(customerId) };
        var decision = CustomerDecider.Decide(state, new EventReceived(Events.Registered("r-" + customerId, T0, customerId)), DecisionContext.For(T0, [journey], ContactPolicy.Unlimited));
        return decision.State.Instances.Single().Variant!;
    }

    private static IEnumerable<string> CustomerIds() => Enumerable.Range(0, Customers).Select(i => "cust-" + i.ToString("D5", CultureInfo.InvariantCulture));

    [Fact]
    public void Split_SameCustomerTwice_SameVariant()
    {
        var journey = SplitJourney("新品");

        foreach (var id in CustomerIds().Take(50))
        {
            VariantOf(journey, id).Should().Be(VariantOf(journey, id), id);
        }
    }

    [Fact]
    public void Split_NewVersionWithChangedCopy_EveryCustomerKeepsTheirVariant()
    {
        var v1 = SplitJourney("新品上架");
        var v2 = SplitJourney("春季新品限时优惠");
        v1.Version.Should().NotBe(v2.Version);

        var ids = CustomerIds().Take(200).ToList();
        ids.Select(id => VariantOf(v2, id)).Should().Equal(ids.Select(id => VariantOf(v1, id)));
    }

    [Fact]
    public void Split_DifferentJourneyName_IsAnIndependentAssignment()
    {
        var journey = SplitJourney("新品");
        var renamed = JourneyLoader.Load("ab-test-2.yaml", journey.Yaml.Replace("journey: ab-test", "journey: ab-test-2", StringComparison.Ordinal), journey.Templates.Values.SelectMany(l => l.Values)).Journeys.Single();

        var ids = CustomerIds().Take(200).ToList();
        var same = ids.Count(id => VariantOf(journey, id) == VariantOf(renamed, id));

        same.Should().BeLessThan(150, "the hash includes the journey name, so assignments are not copied between journeys");
    }

    [Fact]
    public void Split_2000Customers_HoldoutAndWeightsRoughlyRespected()
    {
        var journey = SplitJourney("新品");

        var counts = CustomerIds().Select(id => VariantOf(journey, id)).GroupBy(v => v).ToDictionary(g => g.Key, g => g.Count());

        var holdout = counts.GetValueOrDefault("holdout") / (double)Customers;
        holdout.Should().BeApproximately(0.10, 0.03);
        var assigned = Customers - counts.GetValueOrDefault("holdout");
        (counts["a"] / (double)assigned).Should().BeApproximately(0.50, 0.04);
        (counts["b"] / (double)assigned).Should().BeApproximately(0.30, 0.04);
        (counts["c"] / (double)assigned).Should().BeApproximately(0.20, 0.04);
    }

    [Fact]
    public void Split_ZeroWeightVariant_NeverChosen()
    {
        var journey = SplitJourney("新品", holdout: 0, weights: "1,0,1");

        CustomerIds().Take(200).Select(id => VariantOf(journey, id)).Should().NotContain("b").And.Contain("a").And.Contain("c");
    }

    [Fact]
    public void Simulate_Variant_RecordedInHistoryAndAvailableToTemplates()
    {
        var journey = SplitJourney("新品", holdout: 0);

        var result = Sim.Run([journey], People.LinXiao("cust-00001"), T0.AddDays(20), ContactPolicy.Unlimited, Events.Registered("r1", T0, "cust-00001"));

        var variant = result.FinalState.Instances.Single().Variant!;
        result.Single("split_variant", "pick").Detail.Should().Be($"variant {variant} → send-{variant}");
        result.Send("send-" + variant).Body.Should().Be("新品 " + variant);
        result.Completions().Single().Variant.Should().Be(variant);
    }

    [Fact]
    public void Simulate_HeldOutCustomer_ReceivesNothingAndIsMeasuredUntilTheGoalWindowEnds()
    {
        var journey = SplitJourney("新品", holdout: 100, weights: "1,1,1");

        var result = Sim.Run([journey], People.LinXiao("c1"), T0.AddDays(20), ContactPolicy.Unlimited, Events.Registered("r1", T0));

        result.Path().Should().Equal("entered", "held_out pick", "waiting pick", "completed pick");
        result.Single("completed", "pick").Time.Should().Be(T0.AddDays(14));
        result.Sends().Should().BeEmpty();
        result.Completions().Single().Variant.Should().Be("holdout");
    }

    [Fact]
    public void Simulate_HeldOutCustomerConverts_CountsAsConvertedHoldout()
    {
        var journey = SplitJourney("新品", holdout: 100, weights: "1,1,1");

        var result = Sim.Run([journey], People.LinXiao("c1"), T0.AddDays(20), ContactPolicy.Unlimited, Events.Registered("r1", T0), Events.Order("o1", T0.AddDays(3)));

        var done = result.Completions().Single();
        done.Outcome.Should().Be(InstanceOutcome.Converted);
        done.Variant.Should().Be("holdout");
    }
}
