using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Tests.Language;

/// <summary>
/// Typos in names read as empty at run time, so a condition is silently false and a message has a hole: the validator
/// names them, with "did you mean …?" — errors in conditions, warnings in templates.
/// </summary>
public class UnknownNameTests
{
    private const string Path = "journeys/typo.yaml";

    private static readonly TemplateSource[] Templates =
    [
        new("hello", "zh-CN", "你好 {{ customer.name }}"),
        new("hello", "en", "Hi {{ customer.name }}"),
    ];

    private static LoadResult Branch(string condition, params TemplateSource[] templates) => JourneyLoader.Load(Path, $"""
        journey: typo
        entry:
          event: customer.registered
        steps:
          - id: check
            branch:
              - when: "{condition}"
                next: done
              - else: done
          - id: done
            end: completed
        """, templates.Length == 0 ? Templates : templates);

    private static string All(LoadResult r) => string.Join(Environment.NewLine, r.Diagnostics);

    [Fact]
    public void Load_ConditionWithMisspeltMember_PF0018ErrorWithSuggestion()
    {
        var result = Branch("customer.order.count > 0");

        var d = result.Diagnostics.Should().ContainSingle(x => x.Code == DiagnosticCodes.UnknownName, All(result)).Subject;
        d.Severity.Should().Be(Severity.Error);
        (d.At.Line, d.At.Column).Should().Be((7, 15));
        d.Message.Should().Contain("'customer' has no member 'order' (did you mean 'orders'?)");
        result.Journeys.Should().BeEmpty();
    }

    [Fact]
    public void LoadPublished_ConditionWithMisspeltMember_StillLoadsWithAWarning()
    {
        // A version published before the check existed must keep loading when the host restarts.
        var yaml = """
            journey: typo
            entry:
              event: customer.registered
            steps:
              - id: check
                branch:
                  - when: "customer.order.count >> 0"
                    next: done
                  - else: done
              - id: done
                end: completed
            """;

        var result = JourneyLoader.LoadPublished(Path, yaml, Templates);

        result.Journeys.Should().ContainSingle(All(result));
        result.Diagnostics.Where(x => x.Code is DiagnosticCodes.UnknownName or DiagnosticCodes.BadExpression).Should().HaveCount(2).And.OnlyContain(x => x.Severity == Severity.Warning);
    }

    [Fact]
    public void Load_ConditionWithAbbreviatedMemberAndShift_BothReported()
    {
        var result = Branch("customer.orders.cnt >> 0");

        result.Diagnostics.Should().Contain(x => x.Code == DiagnosticCodes.UnknownName && x.IsError && x.Message.Contains("'customer.orders' has no member 'cnt' (did you mean 'count'?)"), All(result));
        result.Diagnostics.Should().Contain(x => x.Code == DiagnosticCodes.BadExpression && x.IsError && x.Message.Contains("'>>' shifts bits"), All(result));
    }

    [Fact]
    public void Load_ConditionWithMisspeltRoot_PF0018WithSuggestion()
    {
        var result = Branch("cusomer.name == 'x'");

        result.Diagnostics.Should().ContainSingle(x => x.Code == DiagnosticCodes.UnknownName, All(result))
            .Which.Message.Should().Contain("unknown variable 'cusomer' (did you mean 'customer'?)");
    }

    [Theory]
    [InlineData("customer.orders.count > 0 && customer.rfm.r >= 4")]
    [InlineData("customer.attributes.favourite_colour == 'red'")]
    [InlineData("customer.channels.wecom.granted")]
    [InlineData("entry.data.orderId != null && event.data.items.size > 0")]
    [InlineData("customer.tags | array.contains 'vip'")]
    [InlineData("vars.coupon_code != null && vars.variant == 'a'")]
    [InlineData("customer.registered_at < date.add_days now -3")]
    [InlineData("customer.loyalty.next_tier == 'gold' || customer.lifecycle == 'at-risk'")]
    public void Load_ConditionOverKnownOrOpenNames_NoDiagnostics(string condition)
    {
        var result = Branch(condition);

        result.Diagnostics.Should().BeEmpty();
    }

    [Fact]
    public void Load_VarsFromSaveAs_KnownOnlyWithThatPrefix()
    {
        var yaml = """
            journey: saved
            entry:
              event: order.completed
            steps:
              - id: wait
                wait_for: { event: order.refunded, timeout: 3d, on_timeout: done, save_as: refund }
              - id: check
                branch:
                  - when: "vars.refund_amount > 0 && vars.refnud_orderId != null"
                    next: done
                  - else: done
              - id: done
                end: completed
            """;

        var result = JourneyLoader.Load(Path, yaml, Templates);

        result.Diagnostics.Should().ContainSingle(x => x.Code == DiagnosticCodes.UnknownName, All(result))
            .Which.Message.Should().Contain("'vars' has no member 'refnud_orderId'").And.Contain("refund_…");
    }

    [Fact]
    public void Load_TemplateWithMisspeltMember_PF0011WarningAtTheTemplateLineAndColumn()
    {
        var result = JourneyLoader.Load(Path, """
            journey: typo
            entry:
              event: customer.registered
            steps:
              - id: hi
                send: { channel: sms, template: hello }
            """, [new("hello", "zh-CN", "你好\n{{ customer.nmae }}", "templates/hello.zh-CN.sbn"), new("hello", "en", "Hi {{ customer.name }}", "templates/hello.en.sbn")]);

        var d = result.Diagnostics.Should().ContainSingle(x => x.Code == DiagnosticCodes.UnknownVariable, All(result)).Subject;
        d.Severity.Should().Be(Severity.Warning);
        d.Path.Should().Be("templates/hello.zh-CN.sbn");
        (d.At.Line, d.At.Column).Should().Be((2, 13));
        d.Message.Should().Contain("did you mean 'name'?").And.Contain("renders as empty");
        result.Journeys.Should().ContainSingle("a template warning does not block publishing");
    }

    [Fact]
    public void Load_UnknownNamesInEntryGoalAndWaitFor_ReportedAtTheirOwnValues()
    {
        var result = JourneyLoader.Load(Path, """
            journey: typo
            entry:
              event: customer.registered
              segment: "customer.lifecycel == 'new'"
            goal:
              event: order.completed
              within: 7d
              condition: "event.dat.amount > 0"
            steps:
              - id: wait
                wait_for:
                  event: order.completed
                  match: { orderId: entry.data.orderId, sku: entyr.data.sku }
                  timeout: 3d
                  on_timeout: done
              - id: done
                end: completed
            """, Templates);

        result.Diagnostics.Where(x => x.Code == DiagnosticCodes.UnknownName).Select(x => (x.At.Line, x.At.Column)).Should()
            .BeEquivalentTo([(4, 12), (8, 14), (13, 50)], All(result));
    }

    [Fact]
    public void Load_NextToMisspeltStep_PF0004WithSuggestion()
    {
        var result = JourneyLoader.Load(Path, """
            journey: typo
            entry:
              event: customer.registered
            steps:
              - id: wait-a-day
                wait: 1d
                next: fnish
              - id: finish
                end: completed
            """, Templates);

        result.Diagnostics.Should().ContainSingle(x => x.Code == DiagnosticCodes.UnknownStep, All(result))
            .Which.Message.Should().EndWith("(did you mean 'finish'?)");
    }

    [Theory]
    [InlineData("nmae", "name")]
    [InlineData("order", "orders")]
    [InlineData("cnt", "count")]
    [InlineData("zzzzzz", null)]
    public void Closest_Typo_SuggestsTheKnownName(string typed, string? expected)
    {
        Suggestion.Closest(typed, ["name", "orders", "count", "email"]).Should().Be(expected);
    }
}
