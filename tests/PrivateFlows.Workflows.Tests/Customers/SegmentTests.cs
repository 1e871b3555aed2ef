using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Segments;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>Named segments: Scriban expressions over profile, RFM, lifecycle and tags, usable in entry filters and branches.</summary>
public class SegmentTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 5, 4, 10, 0);

    private static CustomerProfile Gold() => new Decide().Events([Events.Order("o1", T0.AddDays(-40), amount: 2_000m), Events.Order("o2", T0, amount: 1_500m)]).Profile;

    [Fact]
    public void Named_ExpressionOverTierRfmAndTags()
    {
        var segment = new SegmentDefinition("gold-skincare", "customer.tier == \"gold\" && customer.rfm.m >= 4 && (array.contains customer.tags \"skincare\")");
        var gold = Gold();

        SegmentEvaluator.IsMember(segment, gold, T0).Should().BeFalse();
        SegmentEvaluator.IsMember(segment, gold with { Tags = ["skincare"] }, T0).Should().BeTrue();
    }

    [Fact]
    public void SeedSegments_AsOfNow()
    {
        var gold = Gold();

        SegmentEvaluator.Memberships(gold, T0).Should().Equal("vip");
        SegmentEvaluator.Memberships(gold with { Orders = gold.Orders with { Count = 6 } }, T0).Should().Equal("vip", "high-value");
        SegmentEvaluator.Memberships(gold, T0.AddDays(45)).Should().Equal("vip", "win-back-target");
        SegmentEvaluator.Memberships(gold, T0.AddDays(130)).Should().Equal("vip", "slipping-away", "win-back-target");
        SegmentEvaluator.Memberships(People.LinXiao("c1"), T0).Should().Equal("never-ordered");
    }

    [Fact]
    public void CustomerSegments_InTheScriptModel()
    {
        var gold = Gold();

        RfmTests.Eval("array.contains customer.segments \"vip\"", gold, T0).Should().Be("true");
        RfmTests.Eval("customer.segments | array.join \",\"", gold, T0.AddDays(45)).Should().Be("vip,win-back-target");
    }

    [Fact]
    public void Program_OwnSegments_ReplaceTheSeed()
    {
        var program = CustomerProgram.Default with { Segments = [new("big-basket", "customer.orders.total >= 3000")] };

        SegmentEvaluator.Memberships(Gold(), T0, program).Should().Equal("big-basket");
        RfmTests.Eval("customer.segments | array.join \",\"", Gold(), T0, program).Should().Be("big-basket");
    }

    [Fact]
    public void BrokenExpression_NotAMember_WithTheReason()
    {
        var segment = new SegmentDefinition("broken", "customer.orders.first_at.year > 2000 && customer.nothing.deeper");

        var match = SegmentEvaluator.Evaluate(segment, People.LinXiao("c1"), T0);

        match.IsMember.Should().BeFalse();
        match.Error.Should().Contain("segment broken");
    }

    [Fact]
    public void Definition_Problems()
    {
        new SegmentDefinition("VIP Members", "true").Problem().Should().Be("segment name 'VIP Members' must be lower-case letters, digits and '-'");
        new SegmentDefinition("vip", "customer.tier ==").Problem().Should().StartWith("segment 'vip':");
        new SegmentDefinition("vip", "customer.tier == \"gold\"").Problem().Should().BeNull();
        (CustomerProgram.Default with { Segments = [new("a", "true"), new("a", "false")] }).Problems().Should().Equal("segment 'a' is defined twice");
    }

    [Fact]
    public void Segments_CannotSeeOtherSegments()
    {
        var program = CustomerProgram.Default with { Segments = [new("a", "true"), new("b", "array.contains customer.segments \"a\"")] };

        SegmentEvaluator.Memberships(People.LinXiao("c1"), T0, program).Should().Equal("a");
    }

    [Fact]
    public void CustomerSegments_ComputedOnlyWhenRead_AndASegmentReadingThemSeesNone()
    {
        var program = CustomerProgram.Default with { Segments = [new("a", "true"), new("b", "array.contains customer.segments \"a\"")] };

        RfmTests.Eval("customer.segments | array.join \",\"", People.LinXiao("c1"), T0, program).Should().Be("a");
        RfmTests.Eval("customer.tier", People.LinXiao("c1"), T0, program with { Segments = [new("slow", "customer.nothing.deeper")] }).Should().Be("member");
    }

    [Fact]
    public void Catalog_NamedPlusLifecycleRfmAndTierSegments()
    {
        var all = SegmentCatalog.All();

        all.Select(s => s.Name).Should().Contain(["vip", "lifecycle-at-risk", "lifecycle-recalled", "rfm-champions", "rfm-cannot-lose", "tier-platinum"]);
        all.Should().HaveCount(CustomerProgram.SeedSegments.Length + LifecycleStages.All.Count + RfmGroups.All.Count + 4);
        var atRisk = SegmentCatalog.Find("lifecycle-at-risk")!;
        var customers = new[] { Gold() with { CustomerId = "a" }, People.LinXiao("b") };
        SegmentEvaluator.Members(atRisk, customers, T0.AddDays(45)).Select(p => p.CustomerId).Should().Equal("a");
        SegmentCatalog.Find("nope").Should().BeNull();
    }

    [Fact]
    public void EntrySegment_UsesNamedSegments_AndSaysWhyNotEntered()
    {
        const string yaml = """
            journey: vip-thanks
            entry:
              event: order.completed
              segment: 'array.contains customer.segments "vip"'
              reentry: always
            steps:
              - id: done
                end: completed
            """;
        var journey = JourneyLoader.Load("vip-thanks.yaml", yaml, []).Journeys.Single();
        var run = new Decide(journeys: [journey]);

        run.Event(Events.Order("o1", T0, amount: 500m));
        run.Event(Events.Order("o2", T0.AddDays(1), amount: 3_000m));

        var history = run.Of<RecordHistory>().Select(h => (h.Entry.Kind, h.Entry.Detail)).ToList();
        history[0].Should().Be((HistoryKind.NotEntered, "not in segment: array.contains customer.segments \"vip\""));
        history.Should().Contain(h => h.Kind == HistoryKind.Entered, "the second order makes her gold, and tiers are computed before journeys run");
    }

    [Fact]
    public void Branch_OnLifecycle_AsOfTheTimerTime()
    {
        const string yaml = """
            journey: check-later
            entry:
              event: order.completed
            steps:
              - id: wait
                wait: 100d
              - id: stage
                branch:
                  - when: 'customer.lifecycle == "dormant"'
                    next: dormant
                  - else: other
              - id: dormant
                end: completed
              - id: other
                end: exited
            """;
        var journey = JourneyLoader.Load("check-later.yaml", yaml, []).Journeys.Single();
        var run = new Decide(journeys: [journey]);
        run.Event(Events.Order("o1", T0));
        var instance = run.State.Instances.Single();

        run.Timer(instance.Waiting!.Until!.Value, instance.InstanceId, instance.Waiting.TimerId);

        run.Of<RecordHistory>().Should().Contain(h => h.Entry.Kind == HistoryKind.Branched && h.Entry.Detail == "customer.lifecycle == \"dormant\" → dormant");
    }

    [Fact]
    public void ScriptModel_LoyaltyFigures()
    {
        var run = new Decide();
        run.Event(Events.Order("o1", T0, amount: 850m));

        var model = ScriptModel.For(run.Profile, null, null, T0.AddDays(1), CustomerProgram.Default);

        TemplateSandbox.Render("{{ customer.tier }}/{{ customer.loyalty.next_tier }}/{{ customer.loyalty.to_next_tier }}/{{ customer.loyalty.expiring_points }}/{{ customer.loyalty.expiring_at | date.to_string '%F' }}/{{ customer.loyalty.points_value }}", model)
            .Should().Be("member/silver/150/850/2027-12-31/8.5");
    }

    [Fact]
    public void ValidatorSampleModel_KnowsTheNewFields()
    {
        const string yaml = """
            journey: uses-everything
            entry:
              event: order.completed
              segment: 'customer.rfm.group != "lost" && customer.lifecycle != "churned" && customer.activity.check_in_streak >= 0'
            steps:
              - id: hi
                send: { channel: sms, template: hi, category: transactional }
            """;
        const string text = "{{ customer.rfm.group }} {{ customer.lifecycle }} {{ customer.segments | array.size }} {{ customer.loyalty.next_tier }} {{ customer.referral_code }}";
        var load = JourneyLoader.Load("uses-everything.yaml", yaml, [new TemplateSource("hi", "zh-CN", text), new TemplateSource("hi", "en", text)]);

        load.Diagnostics.Select(d => d.Message).Should().BeEmpty();
    }
}
