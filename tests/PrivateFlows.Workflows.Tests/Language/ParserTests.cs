using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Language;

/// <summary>Valid journeys parse into the definition the engine runs, with positions pointing back into the YAML.</summary>
public class ParserTests
{
    private const string Everything = """
        journey: every-step
        title: 全部步骤 / Every step
        description: One of each step kind.
        category: transactional
        priority: 70
        entry:
          event: [customer.registered, customer.profile_updated]
          condition: "customer.locale != null"
          segment: "customer.orders.count == 0"
          reentry: after 30d
        goal:
          event: order.completed
          within: 2w
          condition: "event.data.amount > 0"
        exit:
          - event: customer.unsubscribed
            condition: 'event.data.channel == null'
        steps:
          - id: hello
            send:
              channel: email
              template: hello
              category: marketing
              on_limit: drop
          - id: pause
            wait: 1d12h
          - id: cycle
            wait: { days: "entry.data.days", from: entry, default: P3D }
          - id: morning
            wait_until: { time: "9:30", date: "customer.birthday" }
          - id: paid
            wait_for:
              event: order.completed
              match: { orderId: entry.data.orderId }
              condition: "event.data.amount > 0"
              timeout: 12h
              on_timeout: pick
              save_as: order
          - id: pick
            split:
              holdout: 10
              variants:
                - { name: a, weight: 70, next: points }
                - { name: b, weight: 30, next: coupon }
              winner: { after: 14d, metric: conversion, confidence: 95 }
          - id: points
            award_points: { points: 100, reason: welcome }
            next: tag
          - id: coupon
            issue_coupon: { coupon: FIRST20, amount: 20.5, valid: 7d }
          - id: tag
            tag: [vip, new]
          - id: untag
            untag: prospect
          - id: attribute
            set_attribute: { name: segment, value: "customer.tier" }
          - id: hook
            webhook: { url: "https://example.com/hook", event: hello.sent }
          - id: reward
            referral_reward: { referrer_points: 500, referee_points: 200, hold_when: "false" }
          - id: route
            branch:
              - when: "customer.tier == 'gold'"
                next: done
              - else: done
          - id: done
            end: converted
        """;

    private static readonly TemplateSource[] Templates = [new("hello", "zh-CN", "你好"), new("hello", "en", "Hi")];

    private static JourneyDefinition Parse()
    {
        var result = JourneyLoader.Load("every-step.yaml", Everything, Templates);
        result.Diagnostics.Should().BeEmpty();
        return result.Journeys.Single().Definition;
    }

    [Fact]
    public void Parse_EveryStepKind_BuildsTheDefinition()
    {
        var j = Parse();

        j.Name.Should().Be("every-step");
        j.Title.Should().Be("全部步骤 / Every step");
        j.Category.Should().Be(SendCategory.Transactional);
        j.Priority.Should().Be(70);
        j.Entry.Events.Should().Equal("customer.registered", "customer.profile_updated");
        j.Entry.Condition.Should().Be("customer.locale != null");
        j.Entry.Segment.Should().Be("customer.orders.count == 0");
        j.Entry.Reentry.Should().Be(new ReentryPolicy(ReentryKind.After, TimeSpan.FromDays(30)));
        j.Goal.Should().Be(new GoalSpec("order.completed", TimeSpan.FromDays(14), "event.data.amount > 0", j.Goal!.At));
        j.Exits.Should().ContainSingle().Which.Condition.Should().Be("event.data.channel == null");
        j.Steps.Select(s => s.Kind).Should().Equal(
            "send", "wait", "wait", "wait_until", "wait_for", "split", "award_points", "issue_coupon", "tag", "untag", "set_attribute", "webhook", "referral_reward", "branch", "end");
    }

    [Fact]
    public void Parse_StepOptions_AreRead()
    {
        var steps = Parse().Steps;

        var send = (SendStep)steps[0];
        (send.Channel, send.Template, send.Category, send.OnLimit).Should().Be((Channels.Email, "hello", SendCategory.Marketing, OnLimit.Drop));
        ((WaitStep)steps[1]).Duration.Should().Be(TimeSpan.FromHours(36));
        var cycle = (WaitStep)steps[2];
        (cycle.DaysExpression, cycle.FromEntry, cycle.Default).Should().Be(("entry.data.days", true, TimeSpan.FromDays(3)));
        var until = (WaitUntilStep)steps[3];
        (until.Time, until.DateExpression).Should().Be((new TimeOnly(9, 30), "customer.birthday"));
        var waitFor = (WaitForStep)steps[4];
        waitFor.Match.Should().Equal(new Dictionary<string, string> { ["orderId"] = "entry.data.orderId" });
        (waitFor.Event, waitFor.Timeout, waitFor.OnTimeout, waitFor.SaveAs).Should().Be(("order.completed", TimeSpan.FromHours(12), "pick", "order"));
        var split = (SplitStep)steps[5];
        split.Holdout.Should().Be(10);
        split.Variants.Select(v => (v.Name, v.Weight, v.Next)).Should().Equal(("a", 70, "points"), ("b", 30, "coupon"));
        split.Winner.Should().Be(new WinnerRule(TimeSpan.FromDays(14), "conversion", 95));
        ((AwardPointsStep)steps[6]).Points.Should().Be("100");
        steps[6].Next.Should().Be("tag");
        var coupon = (IssueCouponStep)steps[7];
        (coupon.Coupon, coupon.Amount, coupon.Valid).Should().Be(("FIRST20", 20.5m, TimeSpan.FromDays(7)));
        ((TagStep)steps[8]).Tags.Should().Equal("vip", "new");
        ((TagStep)steps[9]).Should().Match<TagStep>(t => t.Remove && t.Tags.Single() == "prospect");
        ((WebhookStep)steps[11]).Url.Should().Be("https://example.com/hook");
        var reward = (ReferralRewardStep)steps[12];
        (reward.ReferrerPoints, reward.RefereePoints, reward.HoldWhen).Should().Be((500L, 200L, "false"));
        var branch = (BranchStep)steps[13];
        branch.Cases.Select(c => (c.When, c.Next)).Should().Equal(("customer.tier == 'gold'", "done"), (null, "done"));
        ((EndStep)steps[14]).Outcome.Should().Be(InstanceOutcome.Converted);
    }

    [Fact]
    public void Parse_Positions_PointAtTheStepAndItsKind()
    {
        var steps = Parse().Steps;

        steps[0].At.Should().Be(new SourceSpan(19, 5), "'- id: hello' is on line 19");
        steps[0].KindAt.Should().Be(new SourceSpan(20, 5));
        ((SendStep)steps[0]).ChannelAt.Should().Be(new SourceSpan(21, 16));
        ((SendStep)steps[0]).TemplateAt.Should().Be(new SourceSpan(22, 17));
    }

    [Fact]
    public void Parse_DefaultNext_IsTheFollowingStepThenNull()
    {
        var j = Parse();

        j.DefaultNext(j.Steps[0]).Should().Be("pause");
        j.DefaultNext(j.FindStep("points")!).Should().Be("tag");
        j.DefaultNext(j.Steps[^1]).Should().BeNull();
    }

    [Theory]
    [InlineData("once", ReentryKind.Once, 0)]
    [InlineData("always", ReentryKind.Always, 0)]
    [InlineData("after 30d", ReentryKind.After, 30)]
    [InlineData("after 2w", ReentryKind.After, 14)]
    public void Parse_Reentry_Policies(string text, ReentryKind kind, int days)
    {
        var yaml = $"journey: r\nentry:\n  event: customer.registered\n  reentry: {text}\nsteps:\n  - id: a\n    wait: 1d\n";

        var reentry = JourneyLoader.Load("r.yaml", yaml, []).Journeys.Single().Definition.Entry.Reentry;

        reentry.Should().Be(new ReentryPolicy(kind, TimeSpan.FromDays(days)));
        reentry.ToString().Should().Be(text.Replace("2w", "14d", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NoReentry_DefaultsToOnce()
    {
        var definition = JourneyLoader.Load("r.yaml", "journey: r\nentry:\n  event: customer.registered\nsteps:\n  - id: a\n    wait: 1d\n", []).Journeys.Single().Definition;

        definition.Entry.Reentry.Should().Be(ReentryPolicy.Once);
        definition.Category.Should().Be(SendCategory.Marketing);
        definition.Priority.Should().Be(50);
    }

    [Theory]
    [InlineData("30m", 0, 0, 30)]
    [InlineData("12h", 0, 12, 0)]
    [InlineData("3d", 3, 0, 0)]
    [InlineData("2w", 14, 0, 0)]
    [InlineData("1d12h", 1, 12, 0)]
    [InlineData("P3D", 3, 0, 0)]
    [InlineData("PT90M", 0, 1, 30)]
    public void Duration_TryParse_AcceptsWhatMarketersWrite(string text, int days, int hours, int minutes)
    {
        Duration.TryParse(text, out var value).Should().BeTrue();
        value.Should().Be(new TimeSpan(days, hours, minutes, 0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("3 days")]
    [InlineData("0d")]
    [InlineData("-1d")]
    [InlineData("d")]
    [InlineData("P")]
    [InlineData("1y")]
    public void Duration_TryParse_RejectsTheRest(string text)
    {
        Duration.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void BuiltInJourneys_AllFiveLoadWithoutAnyDiagnostic()
    {
        BuiltIn.Result.Diagnostics.Should().BeEmpty();
        BuiltIn.Result.Journeys.Select(j => j.Name).Should().Contain(BuiltIn.Names);
        foreach (var journey in BuiltIn.All)
        {
            journey.Templates.Should().ContainKey(MessageRenderer.MarketingPartial, journey.Name);
            foreach (var send in journey.Definition.Steps.OfType<SendStep>())
            {
                journey.Templates[send.Template].Keys.Should().BeEquivalentTo(["en", "zh-CN"], $"{journey.Name}/{send.Id}");
            }
        }
    }

    [Fact]
    public void Version_SameContent_SameHash_ChangedTemplate_NewHash()
    {
        var a = JourneyLoader.Load("every-step.yaml", Everything, Templates).Journeys.Single();
        var b = JourneyLoader.Load("elsewhere/every-step.yaml", Everything.ReplaceLineEndings("\r\n"), Templates).Journeys.Single();
        var c = JourneyLoader.Load("every-step.yaml", Everything, [new("hello", "zh-CN", "您好"), new("hello", "en", "Hi")]).Journeys.Single();

        a.Version.Should().MatchRegex("^[0-9a-f]{16}$");
        b.Version.Should().Be(a.Version, "the version is a content hash, independent of path and line endings");
        c.Version.Should().NotBe(a.Version);
    }
}
