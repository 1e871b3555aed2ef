using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Tests.Language;

/// <summary>Every broken journey is reported with the exact code and the line:col of the offending YAML node.</summary>
public class InvalidJourneyTests
{
    private const string Path = "journeys/bad.yaml";

    // Lines 1–4 of every journey below; steps start on line 5.
    private const string Head = """
        journey: bad
        entry:
          event: customer.registered
        steps:

        """;

    private static readonly TemplateSource[] Templates =
    [
        new("hello", "zh-CN", "你好 {{ customer.name }}"),
        new("hello", "en", "Hi {{ customer.name }}"),
        new("_marketing", "zh-CN", "【广告】{{ body }}\n回复TD退订"),
        new("_marketing", "en", "[Ad] {{ body }}\nReply TD to unsubscribe"),
    ];

    private static LoadResult Load(string yaml, params TemplateSource[] extra) => JourneyLoader.Load(Path, yaml, Templates.Concat(extra));

    /// <summary>Asserts that exactly one diagnostic has <paramref name="code"/>, at line:col, with that severity, and returns it.</summary>
    private static Diagnostic ShouldReport(LoadResult result, string code, int line, int column, Severity severity = Severity.Error)
    {
        var matches = result.Diagnostics.Where(d => d.Code == code).ToList();
        matches.Should().ContainSingle($"expected one {code}, got:{Environment.NewLine}{string.Join(Environment.NewLine, result.Diagnostics)}");
        var d = matches[0];
        d.Path.Should().Be(Path);
        (d.At.Line, d.At.Column).Should().Be((line, column), d.ToString());
        d.Severity.Should().Be(severity);
        if (severity == Severity.Error) result.Journeys.Should().BeEmpty("a journey with errors is not loaded");
        return d;
    }

    [Fact]
    public void Load_UnclosedFlowSequence_PF0001AtTheOpeningBracket()
    {
        var result = Load("""
            journey: bad
            entry:
              event: [customer.registered
            steps:
              - id: a
                end: completed
            """);

        ShouldReport(result, DiagnosticCodes.YamlSyntax, 3, 10);
    }

    [Fact]
    public void Load_BadIndentation_PF0001OnTheMisindentedLine()
    {
        var result = Load(Head + """
              - id: a
                 end: completed
            """);

        ShouldReport(result, DiagnosticCodes.YamlSyntax, 6, 6).Message.Should().Contain("indented differently");
    }

    [Fact]
    public void Load_DuplicateYamlKey_PF0001AtTheSecondKey()
    {
        var result = Load("""
            journey: bad
            journey: worse
            entry:
              event: customer.registered
            steps:
              - id: a
                end: completed
            """);

        ShouldReport(result, DiagnosticCodes.YamlSyntax, 2, 1).Message.Should().Contain("Duplicate key");
    }

    [Fact]
    public void Load_UnknownStepProperty_PF0002AtTheProperty()
    {
        var result = Load(Head + """
              - id: a
                wait: 1d
                colour: red
            """);

        ShouldReport(result, DiagnosticCodes.Schema, 7, 5).Message.Should().Be("unknown property 'colour'");
    }

    [Fact]
    public void Load_UnknownTopLevelProperty_PF0002AtTheProperty()
    {
        var result = Load("""
            journey: bad
            owner: marketing
            entry:
              event: customer.registered
            steps:
              - id: a
                wait: 1d
            """);

        ShouldReport(result, DiagnosticCodes.Schema, 2, 1).Message.Should().Be("unknown property 'owner'");
    }

    [Fact]
    public void Load_UnknownSendOption_PF0002AtTheOption()
    {
        var result = Load(Head + """
              - id: a
                send:
                  channel: sms
                  template: hello
                  urgent: true
            """);

        ShouldReport(result, DiagnosticCodes.Schema, 9, 7).Message.Should().Be("unknown property 'urgent'");
    }

    [Fact]
    public void Load_SendWithoutTemplate_PF0002AtTheSendKey()
    {
        var result = Load(Head + """
              - id: a
                wait: 1d
              - id: b
                send:
                  channel: sms
            """);

        ShouldReport(result, DiagnosticCodes.Schema, 8, 5).Message.Should().Be("'template' is required here");
    }

    [Fact]
    public void Load_PriorityNotANumber_PF0002AtThePriority()
    {
        var result = Load("""
            journey: bad
            priority: high
            entry:
              event: customer.registered
            steps:
              - id: a
                wait: 1d
            """);

        ShouldReport(result, DiagnosticCodes.Schema, 2, 1).Message.Should().Be("'priority' must be a whole number");
    }

    [Fact]
    public void Load_DuplicateStepId_PF0003AtTheSecondStep()
    {
        var result = Load(Head + """
              - id: a
                wait: 1d
              - id: a
                wait: 2d
            """);

        ShouldReport(result, DiagnosticCodes.DuplicateStep, 7, 5).Message.Should().Contain("'a'");
    }

    [Fact]
    public void Load_UnknownNextTarget_PF0004AtTheNextValue()
    {
        var result = Load(Head + """
              - id: a
                wait: 1d
                next: nowhere
            """);

        ShouldReport(result, DiagnosticCodes.UnknownStep, 7, 11).Message.Should().Contain("'nowhere'");
    }

    [Fact]
    public void Load_UnknownBranchTarget_PF0004AtTheTarget()
    {
        var result = Load(Head + """
              - id: a
                branch:
                  - when: "customer.orders.count > 0"
                    next: nowhere
                  - else: b
              - id: b
                end: completed
            """);

        ShouldReport(result, DiagnosticCodes.UnknownStep, 8, 15);
    }

    [Fact]
    public void Load_UnknownTimeoutTarget_PF0004AtOnTimeout()
    {
        var result = Load(Head + """
              - id: a
                wait_for:
                  event: order.completed
                  timeout: 3d
                  on_timeout: gone
            """);

        ShouldReport(result, DiagnosticCodes.UnknownStep, 9, 19);
    }

    [Fact]
    public void Load_UnreachableStep_PF0005WarningAndStillLoads()
    {
        var result = Load(Head + """
              - id: a
                end: completed
              - id: orphan
                wait: 1d
            """);

        ShouldReport(result, DiagnosticCodes.UnreachableStep, 7, 5, Severity.Warning).Message.Should().Contain("'orphan'");
        result.Journeys.Should().ContainSingle("warnings do not stop a journey from loading");
    }

    [Fact]
    public void Load_LoopWithoutWait_PF0006AtTheLoopStart()
    {
        var result = Load(Head + """
              - id: a
                tag: vip
              - id: b
                untag: vip
                next: a
            """);

        ShouldReport(result, DiagnosticCodes.LoopWithoutWait, 5, 5);
    }

    [Fact]
    public void Load_LoopWithAWait_IsAllowed()
    {
        var result = Load(Head + """
              - id: a
                tag: vip
              - id: b
                wait: 1d
                next: a
            """);

        result.Diagnostics.Should().BeEmpty();
        result.Journeys.Should().ContainSingle();
    }

    [Fact]
    public void Load_TemplateMissingInEveryLocale_PF0007ErrorAtTheTemplateName()
    {
        var result = Load(Head + """
              - id: a
                send: { channel: sms, template: nope }
            """);

        ShouldReport(result, DiagnosticCodes.MissingTemplate, 6, 37).Message.Should().Contain("templates/nope.<locale>.sbn");
    }

    [Fact]
    public void Load_TemplateMissingInOneLocale_PF0007Warning()
    {
        var result = Load(Head + """
              - id: a
                send:
                  channel: sms
                  template: zh-only
            """, new TemplateSource("zh-only", "zh-CN", "你好"));

        ShouldReport(result, DiagnosticCodes.MissingTemplate, 8, 17, Severity.Warning).Message.Should().Contain("no en version");
        result.Journeys.Should().ContainSingle();
    }

    [Fact]
    public void Load_UnknownChannel_PF0008AtTheChannel()
    {
        var result = Load(Head + """
              - id: a
                send:
                  channel: fax
                  template: hello
            """);

        ShouldReport(result, DiagnosticCodes.UnknownChannel, 7, 16).Message.Should().Contain("'fax'");
    }

    [Fact]
    public void Load_BadWaitDuration_PF0009AtTheValue()
    {
        var result = Load(Head + """
              - id: a
                wait: 3 days
            """);

        ShouldReport(result, DiagnosticCodes.BadDuration, 6, 11).Message.Should().Contain("'3 days'");
    }

    [Fact]
    public void Load_BadGoalWindow_PF0009AtTheValue()
    {
        var result = Load("""
            journey: bad
            entry:
              event: customer.registered
            goal:
              event: order.completed
              within: soon
            steps:
              - id: a
                wait: 1d
            """);

        ShouldReport(result, DiagnosticCodes.BadDuration, 6, 11);
    }

    [Fact]
    public void Load_BadBranchExpression_PF0010AtTheCondition()
    {
        var result = Load(Head + """
              - id: a
                branch:
                  - when: "customer.name =="
                    next: b
                  - else: b
              - id: b
                end: completed
            """);

        ShouldReport(result, DiagnosticCodes.BadExpression, 7, 15).Message.Should().Contain("'customer.name =='");
    }

    [Fact]
    public void Load_TemplateThatDoesNotParse_PF0010InTheTemplateFile()
    {
        var result = JourneyLoader.Load(Path, Head + """
              - id: a
                send: { channel: sms, template: broken }
            """, [.. Templates, new TemplateSource("broken", "zh-CN", "你好\n亲爱的 {{ customer.name | }}", "templates/broken.zh-CN.sbn"), new TemplateSource("broken", "en", "Hi", "templates/broken.en.sbn")]);

        var d = result.Diagnostics.Should().ContainSingle(x => x.Code == DiagnosticCodes.BadExpression).Subject;
        d.Path.Should().Be("templates/broken.zh-CN.sbn");
        (d.At.Line, d.At.Column).Should().Be((2, 24), "the pipe at line 2 expects an expression where '}}' is");
        d.IsError.Should().BeTrue();
        result.Journeys.Should().BeEmpty();
    }

    [Fact]
    public void Load_SplitWeightsAllZero_PF0012AtTheSplit()
    {
        var result = Load(Head + """
              - id: a
                split:
                  variants:
                    - { name: x, weight: 0, next: b }
                    - { name: y, weight: 0, next: b }
              - id: b
                end: completed
            """);

        ShouldReport(result, DiagnosticCodes.BadSplit, 6, 5).Message.Should().Contain("positive total weight");
    }

    [Fact]
    public void Load_Holdout150_PF0012AtTheSplit()
    {
        var result = Load(Head + """
              - id: a
                split:
                  holdout: 150
                  variants:
                    - { name: x, weight: 1, next: b }
              - id: b
                end: completed
            """);

        ShouldReport(result, DiagnosticCodes.BadSplit, 6, 5).Message.Should().Contain("not 150");
    }

    [Fact]
    public void Load_BadReentry_PF0013AtTheValue()
    {
        var result = Load("""
            journey: bad
            entry:
              event: customer.registered
              reentry: twice
            steps:
              - id: a
                wait: 1d
            """);

        ShouldReport(result, DiagnosticCodes.BadReentry, 4, 12).Message.Should().Contain("'twice'");
    }

    [Fact]
    public void Load_StepWithTwoKinds_PF0014AtTheStep()
    {
        var result = Load(Head + """
              - id: a
                wait: 1d
                tag: vip
            """);

        ShouldReport(result, DiagnosticCodes.StepKind, 5, 5).Message.Should().Contain("more than one kind (wait, tag)");
    }

    [Fact]
    public void Load_StepWithNoKind_PF0014AtTheStep()
    {
        var result = Load(Head + """
              - id: a
                wait: 1d
              - id: b
                next: a
            """);

        ShouldReport(result, DiagnosticCodes.StepKind, 7, 5).Message.Should().Contain("says nothing to do");
    }

    [Theory]
    [InlineData("25:00")]
    [InlineData("9am")]
    [InlineData("10:60")]
    public void Load_BadTimeOfDay_PF0015AtTheValue(string time)
    {
        var result = Load(Head + $"""
              - id: a
                wait_until:
                  time: "{time}"
            """);

        ShouldReport(result, DiagnosticCodes.BadTimeOfDay, 7, 13).Message.Should().Contain($"'{time}'");
    }

    [Fact]
    public void Load_ElseNotLast_PF0016ErrorAtTheElse()
    {
        var result = Load(Head + """
              - id: a
                branch:
                  - else: b
                  - when: "customer.orders.count > 0"
                    next: b
              - id: b
                end: completed
            """);

        var error = result.Diagnostics.Should().ContainSingle(d => d.Code == DiagnosticCodes.BranchElse && d.IsError).Subject;
        (error.At.Line, error.At.Column).Should().Be((7, 15));
        error.Message.Should().Contain("'else' must be the last case");
        result.Journeys.Should().BeEmpty();
    }

    [Fact]
    public void Load_BranchWithoutElse_PF0016Warning()
    {
        var result = Load(Head + """
              - id: a
                branch:
                  - when: "customer.orders.count > 0"
                    next: b
              - id: b
                end: completed
            """);

        ShouldReport(result, DiagnosticCodes.BranchElse, 6, 5, Severity.Warning);
    }

    [Fact]
    public void Diagnostic_ToString_IsPathLineColSeverityCodeMessage()
    {
        var result = Load(Head + """
              - id: a
                wait: 1d
                next: nowhere
            """);

        result.Diagnostics.Single().ToString().Should().Be("journeys/bad.yaml:7:11: error PF0004: step 'a' goes next to 'nowhere', which is not a step of this journey");
    }
}
