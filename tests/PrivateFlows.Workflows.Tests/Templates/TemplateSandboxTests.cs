using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Tests.Templates;

/// <summary>Marketer-edited templates run sandboxed: loop and recursion limits, no includes, capped output.</summary>
public class TemplateSandboxTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static ScriptObject Model() => ScriptModel.For(People.LinXiao("c1"), Events.Registered("r1", Now), null, Now);

    private static Func<string> Rendering(string template) => () => TemplateSandbox.Render(template, Model(), "promo.zh-CN.sbn");

    [Fact]
    public void Render_Repeated_ReusesTheThreadsContextInsteadOfBuildingOne()
    {
        var model = Model();
        TemplateSandbox.Render("{{ customer.name }} {{ 1 + 2 }}", model, "warm.sbn");
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) TemplateSandbox.Render("{{ customer.name }} {{ 1 + 2 }}", model, "warm.sbn");
        var perRender = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;

        // A fresh Scriban context with its stacks and caches is several KB; the render itself a few hundred bytes.
        perRender.Should().BeLessThan(2_000);
    }

    [Fact]
    public void Render_AfterAFailureAStrictEvaluationAndAnAssignment_StartsClean()
    {
        Rendering("{{ while true }}x{{ end }}").Should().Throw<TemplateException>();
        var strict = () => TemplateSandbox.Evaluate("nobody_set_this", Model(), strict: true);
        strict.Should().Throw<TemplateException>();
        TemplateSandbox.Render("{{ leaked = 'yes' }}{{ leaked }}", Model()).Should().Be("yes");

        TemplateSandbox.Render("[{{ leaked }}][{{ nobody_set_this }}]", Model()).Should().Be("[][]", "nothing of an earlier evaluation is left, and it is not strict");
        Rendering("{{ for i in 1..800 }}12345{{ end }}")().Should().HaveLength(4000);
    }

    [Fact]
    public void Render_EndlessLoop_StopsWithLoopLimitError()
    {
        Rendering("{{ while true }}x{{ end }}").Should().Throw<TemplateException>()
            .WithMessage("promo.zh-CN.sbn: Exceeding number of iteration limit `1000` for loop statement.*");
    }

    [Fact]
    public void Render_DeepRecursion_StopsWithRecursionLimitError()
    {
        Rendering("{{ func boom }}{{ boom }}{{ end }}{{ boom }}").Should().Throw<TemplateException>()
            .WithMessage("*recursive depth limit `20`*");
    }

    [Fact]
    public void Render_OutputOverTheCap_IsRefused()
    {
        Rendering("{{ for i in 1..900 }}12345{{ end }}").Should().Throw<TemplateException>()
            .WithMessage($"promo.zh-CN.sbn: output is longer than {TemplateSandbox.OutputLimit} characters");
    }

    [Fact]
    public void Render_OutputJustUnderTheCap_IsAllowed()
    {
        Rendering("{{ for i in 1..800 }}12345{{ end }}")().Should().HaveLength(4000);
    }

    [Fact]
    public void Render_HugePadding_IsRefused()
    {
        Rendering("{{ 'x' | string.pad_left 5000 }}").Should().Throw<TemplateException>().WithMessage("*LimitToString*");
    }

    [Theory]
    [InlineData("{{ include 'secrets.txt' }}")]
    [InlineData("{{ include '/etc/passwd' }}")]
    public void Render_IncludeOfAFile_Fails(string template)
    {
        Rendering(template).Should().Throw<TemplateException>().WithMessage("*Unable to include*No TemplateLoader*");
    }

    [Fact]
    public void Render_MissingVariable_RendersAsEmpty()
    {
        Rendering("你好{{ nickname }}！")().Should().Be("你好！");
    }

    [Fact]
    public void Render_MissingMember_RendersAsEmpty()
    {
        Rendering("[{{ vars.coupon_code }}][{{ entry.data.nothing }}][{{ entry.data.nothing?.deeper }}]")().Should().Be("[][][]");
    }

    [Fact]
    public void Render_MemberOfAMissingValue_FailsWithPosition()
    {
        Rendering("第一行\n{{ entry.data.items.first }}").Should().Throw<TemplateException>()
            .WithMessage("promo.zh-CN.sbn: Cannot get the member entry.data.items.first for a null object. at 2:*");
    }

    [Fact]
    public void Render_Model_SeesCustomerEventAndNow()
    {
        Rendering("{{ customer.name }} {{ event.type }} {{ customer.locale }} {{ now | date.to_string '%F' }}")().Should().Be("林晓 customer.registered zh-CN 2026-03-02");
    }

    [Fact]
    public void Render_DateNow_IsTheDecisionTimeNotTheMachineClock()
    {
        Rendering("{{ date.now | date.to_string '%F %H:%M' }} {{ now | date.add_days 3 | date.to_string '%F' }}")().Should().Be("2026-03-02 02:00 2026-03-05");
    }

    [Fact]
    public void Evaluate_DateNow_IsTheDecisionTime()
    {
        TemplateSandbox.IsTrue("date.now == now", Model()).Should().BeTrue();
    }

    [Fact]
    public void Evaluate_BadExpression_ThrowsTemplateException()
    {
        var act = () => TemplateSandbox.Evaluate("customer.name ==", Model());

        act.Should().Throw<TemplateException>();
    }

    [Theory]
    [InlineData("customer.orders.count == 0", true)]
    [InlineData("customer.locale | string.starts_with \"zh\"", true)]
    [InlineData("customer.nickname", false)]
    [InlineData("\"\"", false)]
    [InlineData("\"x\"", true)]
    public void IsTrue_Expressions_TruthyAsDocumented(string expression, bool expected)
    {
        TemplateSandbox.IsTrue(expression, Model()).Should().Be(expected);
    }

    [Fact]
    public void Validate_TemplateWithUnknownVariable_PF0011WarningAtItsPosition()
    {
        const string yaml = """
            journey: hello
            entry:
              event: customer.registered
            steps:
              - id: hi
                send: { channel: sms, template: hi }
            """;
        TemplateSource[] templates =
        [
            new("hi", "zh-CN", "你好\n{{ customer.name }}，{{ nickname }}！", "templates/hi.zh-CN.sbn"),
            new("hi", "en", "Hi {{ customer.name }}", "templates/hi.en.sbn"),
            .. BuiltIn.Templates.Where(t => t.Name == MessageRenderer.MarketingPartial),
        ];

        var result = JourneyLoader.Load("hello.yaml", yaml, templates);

        var warning = result.Diagnostics.Should().ContainSingle().Subject;
        warning.Code.Should().Be(DiagnosticCodes.UnknownVariable);
        warning.Severity.Should().Be(Severity.Warning);
        warning.Path.Should().Be("templates/hi.zh-CN.sbn");
        (warning.At.Line, warning.At.Column).Should().Be((2, 24));
        warning.Message.Should().Contain("`nickname`").And.Contain("renders as empty");
        result.Journeys.Should().ContainSingle("an unknown variable is only a warning");
    }

    [Fact]
    public void Validate_TemplateWithUnknownVariableAfterFrontMatter_LineCountsTheFrontMatter()
    {
        const string yaml = """
            journey: hello
            entry:
              event: customer.registered
            steps:
              - id: hi
                send: { channel: email, template: hi }
            """;
        TemplateSource[] templates =
        [
            new("hi", "zh-CN", "---\nsubject: 你好\n---\n第一行\n{{ nickname }}", "templates/hi.zh-CN.sbn"),
            new("hi", "en", "Hi", "templates/hi.en.sbn"),
        ];

        var result = JourneyLoader.Load("hello.yaml", yaml, templates);

        var warning = result.Diagnostics.Should().ContainSingle(d => d.Code == DiagnosticCodes.UnknownVariable).Subject;
        (warning.At.Line, warning.At.Column).Should().Be((5, 4));
    }

    [Fact]
    public void Simulate_SendWithEndlessLoopTemplate_FaultsTheInstanceWithTheReason()
    {
        const string yaml = """
            journey: loopy
            entry:
              event: customer.registered
            steps:
              - id: hi
                send: { channel: sms, template: loopy, category: transactional }
            """;
        // Loops only for a real customer named 林晓, so validation (which renders with a sample customer) lets it through.
        var journey = JourneyLoader.Load("loopy.yaml", yaml, [new TemplateSource("loopy", "zh-CN", "{{ if customer.name == '林晓' }}{{ while true }}x{{ end }}{{ end }}"), new TemplateSource("loopy", "en", "x")]).Journeys.Single();

        var result = Sim.Run(journey, People.LinXiao("c1"), Now.AddDays(1), Events.Registered("r1", Now));

        result.Single("faulted", "hi").Detail.Should().Contain("iteration limit");
        result.Sends().Should().BeEmpty();
        result.FinalState.Instances.Single().Status.Should().Be(PrivateFlows.Workflows.Engine.InstanceStatus.Faulted);
    }

    [Fact]
    public void Validate_TemplateWithEndlessLoop_PF0010Error()
    {
        const string yaml = """
            journey: loopy
            entry:
              event: customer.registered
            steps:
              - id: hi
                send: { channel: sms, template: loopy, category: transactional }
            """;

        var result = JourneyLoader.Load("loopy.yaml", yaml, [new TemplateSource("loopy", "zh-CN", "你好\n{{ while true }}x{{ end }}", "templates/loopy.zh-CN.sbn"), new TemplateSource("loopy", "en", "x", "templates/loopy.en.sbn")]);

        var error = result.Diagnostics.Should().ContainSingle().Subject;
        error.ToString().Should().StartWith("templates/loopy.zh-CN.sbn:2:4: error PF0010: Exceeding number of iteration limit `1000`");
        result.Journeys.Should().BeEmpty();
    }

    [Fact]
    public void Render_MarketingCategory_WrapsWithTheSharedPartialInTheCustomersLanguage()
    {
        var journey = BuiltIn.Journey(BuiltIn.Onboarding);
        var model = ScriptModel.For(People.EmilyChen("c1"), Events.Registered("r1", Now), null, Now);

        var message = MessageRenderer.Render(journey, "onboarding-tips", SendCategory.Marketing, "en-GB", model);

        message.Locale.Should().Be("en");
        message.Subject.Should().Be("[Ad] 3 ways to get more out of Xiaoman Life");
        message.Body.Should().StartWith("Hi Emily Chen, 3 quick tips:").And.EndWith("Reply TD to unsubscribe");
    }

    [Fact]
    public void Render_TransactionalCategory_IsNotWrapped()
    {
        var journey = BuiltIn.Journey(BuiltIn.Onboarding);

        var message = MessageRenderer.Render(journey, "onboarding-welcome", SendCategory.Transactional, "zh-CN", Model());

        message.Body.Should().StartWith("林晓，欢迎加入").And.NotContain("【广告】").And.NotContain("回复TD退订");
    }

    [Theory]
    [InlineData("zh-CN", "zh-CN")]
    [InlineData("zh-TW", "zh-CN")]
    [InlineData("en-US", "en")]
    [InlineData("fr-FR", "zh-CN")]
    [InlineData(null, "zh-CN")]
    public void LocaleChoice_Choose_ExactThenLanguageThenZhCnThenEn(string? wanted, string expected)
    {
        LocaleChoice.Choose(wanted, ["en", "zh-CN"]).Should().Be(expected);
    }

    [Fact]
    public void LocaleChoice_OnlyEnglishAvailable_FallsBackToEn()
    {
        LocaleChoice.Choose("ja-JP", ["en"]).Should().Be("en");
    }
}
