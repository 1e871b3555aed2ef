using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PrivateFlows.Cli;
using PrivateFlows.Cli.Commands;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Cli;

/// <summary>The privateflows CLI end to end through <see cref="CliApp.Run"/>: validate, simulate, render, graph, new.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("pf-cli-tests-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private sealed record Run(int Exit, string Out, string Error)
    {
        public string[] Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static Run Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = CliApp.Run(args, stdout, stderr);
        return new Run(exit, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }

    private static string Example(string file) => Path.Combine(RepoRoot.Examples, file);

    private string WriteJourney(string name, string yaml)
    {
        var path = Path.Combine(_temp, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void Validate_BuiltInJourneys_Exit0AndNoProblems()
    {
        var run = Cli("validate", RepoRoot.Journeys);

        run.Exit.Should().Be(0, run.Out + run.Error);
        run.Lines.Should().ContainSingle().Which.Should().MatchRegex(@"^\d+ journey\(s\) valid$");
        run.Error.Should().BeEmpty();
    }

    [Fact]
    public void Validate_EachBuiltInFile_Exit0()
    {
        foreach (var name in BuiltIn.Names)
        {
            Cli("validate", RepoRoot.JourneyFile(name)).Out.Should().Be("1 journey(s) valid\n", name);
        }
    }

    [Fact]
    public void Validate_BadFile_Exit1WithPathLineColErrorCode()
    {
        var path = WriteJourney("bad.yaml", """
            journey: bad
            entry:
              event: customer.registered
            steps:
              - id: a
                wait: 1d
                next: nowhere
            """);

        var run = Cli("validate", path);

        run.Exit.Should().Be(1);
        run.Lines.Should().HaveCount(2);
        run.Lines[0].Should().Be($"{path}:7:11: error PF0004: step 'a' goes next to 'nowhere', which is not a step of this journey");
        run.Lines[0].Should().MatchRegex(@"^.+bad\.yaml:\d+:\d+: error PF\d{4}: ");
        run.Lines[1].Should().Be("1 error(s)");
    }

    [Fact]
    public void Validate_OnlyWarnings_Exit0AndPrintsThem()
    {
        var path = WriteJourney("warn.yaml", """
            journey: warn
            entry:
              event: customer.registered
            steps:
              - id: a
                end: completed
              - id: orphan
                wait: 1d
            """);

        var run = Cli("validate", path);

        run.Exit.Should().Be(0);
        run.Lines[0].Should().Be($"{path}:7:5: warning PF0005: step 'orphan' can never run: no step leads to it");
    }

    [Fact]
    public void Validate_FolderWithAGoodAndABadJourney_Exit1()
    {
        File.Copy(RepoRoot.JourneyFile(BuiltIn.Onboarding), Path.Combine(_temp, "onboarding.yaml"));
        CopyTemplates();
        WriteJourney("broken.yaml", "journey: broken\nentry: [\n");

        var run = Cli("validate", _temp);

        run.Exit.Should().Be(1);
        run.Out.Should().MatchRegex(@"broken\.yaml:3:1: error PF0001: ");
        run.Out.Should().NotContain("onboarding.yaml:");
    }

    [Fact]
    public void Validate_MissingPath_Exit1()
    {
        var run = Cli("validate", Path.Combine(_temp, "nope.yaml"));

        run.Exit.Should().Be(1);
        run.Error.Should().Contain("nope.yaml: no such file or folder");
    }

    [Fact]
    public void Simulate_OnboardingExample_PrintsTheTimelineInTheCustomersZone()
    {
        var run = Cli("simulate", RepoRoot.JourneyFile(BuiltIn.Onboarding), "--customer", Example("onboarding.customer.json"), "--events", Example("onboarding.events.jsonl"));

        run.Exit.Should().Be(0, run.Error);
        run.Lines[0].Should().MatchRegex(@"^onboarding version 1 \([0-9a-f]{16}\) for cust-10001 — times in Asia/Shanghai$", "the host labels a first version so");
        run.Out.Should().MatchRegex(@"entered on customer.registered \(evt-onb-0001\), version 1 \([0-9a-f]{16}\)");
        run.Out.Should().Contain("2025-03-03 Mon 20:15  sent          welcome              app_push onboarding-welcome [zh-CN]: 林晓，欢迎加入小满生活会员！");
        run.Out.Should().MatchRegex(@"2025-03-04 Tue 20:15  sent          coupon-sms           sms onboarding-coupon \[zh-CN\]: 【广告】小满生活：林晓，送您一张20元新人首单券（券码FIRST20-[0-9A-F]{8}）");
        run.Out.Should().Contain("回复TD退订");
        run.Out.Should().Contain("2025-03-06 Thu 21:42  goal_reached  goal-window          converted: goal order.completed (evt-onb-0002) within 14d");
    }

    [Fact]
    public void Simulate_Json_IsAnArrayOfTimeKindStepDetail()
    {
        var run = Cli("simulate", RepoRoot.JourneyFile(BuiltIn.ReferralReward), "--customer", Example("referral-reward.customer.json"), "--events", Example("referral-reward.events.jsonl"), "--json");

        run.Exit.Should().Be(0, run.Error);
        var array = JsonNode.Parse(run.Out)!.AsArray();
        array.Should().NotBeEmpty();
        foreach (var node in array)
        {
            var o = node!.AsObject();
            o.Select(p => p.Key).Should().Contain(["time", "kind", "step", "detail"]);
            o["time"]!.GetValue<string>().Should().MatchRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$");
            o["kind"]!.GetValue<string>().Should().MatchRegex("^[a-z_]+$");
            o["detail"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        }

        var entries = array.Select(n => (Time: n!["time"]!.GetValue<string>(), Kind: n["kind"]!.GetValue<string>(), Step: n["step"]?.GetValue<string>(), Detail: n["detail"]!.GetValue<string>())).ToList();
        entries[0].Should().Be(("2025-05-10T01:10:00Z", "event", null, entries[0].Detail));
        entries.Should().Contain(e => e.Kind == "entered" && e.Step == null && e.Time == "2025-05-10T01:12:04Z");
        entries.Should().Contain(e => e.Kind == "timed_out" && e.Step == "refund-window" && e.Time == "2025-05-19T13:03:40Z");
        entries.Should().Contain(e => e.Kind == "sent" && e.Step == "invite-welcome" && e.Detail.Contains("【广告】小满生活") && e.Detail.EndsWith("回复TD退订", StringComparison.Ordinal));
        entries[^1].Kind.Should().Be("goal_reached");
        entries.Select(e => e.Time).Should().BeInAscendingOrder(StringComparer.Ordinal);
    }

    [Fact]
    public void Simulate_UntilPlus90Days_RunsTheVirtualClockFurther()
    {
        string[] args = ["simulate", RepoRoot.JourneyFile(BuiltIn.WinBack), "--customer", Example("win-back.customer.json"), "--events", Example("win-back.events.jsonl"), "--json"];

        var defaultRun = JsonNode.Parse(Cli(args).Out)!.AsArray();
        var longer = JsonNode.Parse(Cli([.. args, "--until", "+90d"]).Out)!.AsArray();

        longer.Count.Should().BeGreaterThan(defaultRun.Count);
        longer.Last()!["time"]!.GetValue<string>().Should().Be("2025-07-25T01:30:05Z", "the day-90 step is due exactly 90 days after the last event");
        longer.Should().Contain(n => n!["step"] != null && n["step"]!.GetValue<string>() == "offer-sms" && n["time"]!.GetValue<string>() == "2025-06-25T01:30:05Z");
    }

    [Fact]
    public void Simulate_UntilIsoTime_StopsThere()
    {
        var run = Cli("simulate", RepoRoot.JourneyFile(BuiltIn.Onboarding), "--customer", Example("onboarding.customer.json"), "--events", Example("onboarding.events.jsonl"), "--until", "2025-03-04T00:00:00Z", "--json");

        var kinds = JsonNode.Parse(run.Out)!.AsArray().Select(n => n!["kind"]!.GetValue<string>()).ToList();
        kinds.Should().NotContain("waited", "the day-1 timer is due after --until");
        kinds.Should().Contain("goal_reached", "events are always processed");
    }

    [Fact]
    public void Simulate_BadJourney_Exit1WithTheDiagnosticOnStderr()
    {
        var path = WriteJourney("bad.yaml", "journey: bad\nentry:\n  event: customer.registered\n  reentry: twice\nsteps:\n  - id: a\n    wait: 1d\n");

        var run = Cli("simulate", path, "--customer", Example("onboarding.customer.json"), "--events", Example("onboarding.events.jsonl"));

        run.Exit.Should().Be(1);
        run.Error.Should().Contain($"{path}:4:12: error PF0013:");
    }

    [Fact]
    public void Simulate_MalformedEventLine_Exit1NamingTheLine()
    {
        var events = Path.Combine(_temp, "events.jsonl");
        File.WriteAllText(events, "{\"id\":\"e1\",\"type\":\"customer.registered\",\"subject\":\"c1\",\"time\":\"2026-03-02T02:00:00Z\"}\n{\"id\":\"e2\",\"type\":\"order.completed\",\"subject\":\"c1\"}\n");

        var run = Cli("simulate", RepoRoot.JourneyFile(BuiltIn.Onboarding), "--customer", Example("onboarding.customer.json"), "--events", events);

        run.Exit.Should().Be(1);
        run.Error.Should().Contain("events.jsonl:2: time: time is required");
    }

    [Fact]
    public void Render_LocaleEn_RendersTheEnglishTemplate()
    {
        var run = Cli("render", "onboarding-welcome", "--customer", Example("onboarding.customer.json"), "--locale", "en", "--templates", RepoRoot.Templates);

        run.Exit.Should().Be(0, run.Error);
        run.Out.Should().StartWith("Hi 林晓, welcome to Xiaoman Life! 🎉");
    }

    [Fact]
    public void Render_LocaleZhCn_RendersTheChineseTemplate()
    {
        var run = Cli("render", "onboarding-welcome", "--customer", Example("onboarding.customer.json"), "--locale", "zh-CN", "--templates", RepoRoot.Templates);

        run.Exit.Should().Be(0, run.Error);
        run.Out.Should().StartWith("林晓，欢迎加入小满生活会员！");
    }

    [Fact]
    public void Render_NoLocale_UsesTheCustomersLocale()
    {
        var run = Cli("render", "birthday-care-greeting", "--customer", Example("birthday-care.customer.json"), "--templates", RepoRoot.Templates);

        run.Out.Should().StartWith("Happy birthday, Emily Chen! 🎂");
    }

    [Theory]
    [InlineData("en", "[Ad] ", "Reply TD to unsubscribe")]
    [InlineData("zh-CN", "【广告】", "回复TD退订")]
    public void Render_Marketing_AddsLabelAndUnsubscribeHint(string locale, string label, string unsubscribe)
    {
        var run = Cli("render", "win-back-miss-you", "--customer", Example("win-back.customer.json"), "--locale", locale, "--marketing", "--templates", RepoRoot.Templates);

        run.Exit.Should().Be(0, run.Error);
        run.Out.Should().StartWith(label).And.Contain("陈建国").And.EndWith(unsubscribe + "\n");
    }

    [Fact]
    public void Render_TemplateFileWithSubject_PrintsSubjectLine()
    {
        var run = Cli("render", Path.Combine(RepoRoot.Templates, "onboarding-tips.en.sbn"), "--customer", Example("birthday-care.customer.json"));

        run.Exit.Should().Be(0, run.Error);
        run.Lines[0].Should().Be("Subject: 3 ways to get more out of Xiaoman Life");
        run.Lines[1].Should().Be("Hi Emily Chen, 3 quick tips:");
    }

    [Fact]
    public void Render_UnknownTemplate_Exit1()
    {
        var run = Cli("render", "no-such-template", "--customer", Example("onboarding.customer.json"), "--templates", RepoRoot.Templates);

        run.Exit.Should().Be(1);
        run.Error.Should().Contain("template 'no-such-template' not found");
    }

    [Fact]
    public void Graph_EachBuiltIn_MermaidFlowchartWithEveryStep()
    {
        foreach (var name in BuiltIn.Names)
        {
            var run = Cli("graph", RepoRoot.JourneyFile(name));

            run.Exit.Should().Be(0, run.Error);
            run.Out.Should().StartWith("flowchart TD\n");
            foreach (var step in BuiltIn.Journey(name).Definition.Steps)
            {
                run.Out.Should().Contain($"\"{step.Id}: ", $"step '{step.Id}' of {name} must be drawn");
                run.Out.Should().Contain("s_" + Regex.Replace(step.Id, "[^A-Za-z0-9]", "_"));
            }
        }
    }

    [Fact]
    public void Graph_Onboarding_DrawsBranchesGoalAndExit()
    {
        var run = Cli("graph", RepoRoot.JourneyFile(BuiltIn.Onboarding));

        run.Out.Should().Contain("entry([\"entry: customer.registered\"])");
        run.Out.Should().Contain("s_ordered_yet -->|\"customer.orders.count > 0\"| s_wait_until_day_3");
        run.Out.Should().Contain("s_ordered_yet -->|\"else\"| s_first_order_coupon");
        run.Out.Should().Contain("goal: order.completed within 14d");
        run.Out.Should().Contain("exit: customer.unsubscribed");
    }

    [Fact]
    public void New_ThenValidate_ScaffoldIsValid()
    {
        var run = Cli("new", "spring-sale", "--dir", _temp);

        run.Exit.Should().Be(0, run.Error);
        var path = Path.Combine(_temp, "spring-sale.yaml");
        run.Lines[0].Should().Be($"created {path}");
        File.ReadAllText(path).Should().Contain("journey: spring-sale").And.Contain("# ");
        File.Exists(Path.Combine(_temp, "templates", "spring-sale-hello.zh-CN.sbn")).Should().BeTrue();
        File.Exists(Path.Combine(_temp, "templates", "spring-sale-hello.en.sbn")).Should().BeTrue();

        var validate = Cli("validate", path);
        validate.Exit.Should().Be(0, validate.Out);
        validate.Out.Should().Be("1 journey(s) valid\n", "the scaffold validates with no warnings");
    }

    [Fact]
    public void New_ThenSimulate_ScaffoldRuns()
    {
        Cli("new", "spring-sale", "--dir", _temp).Exit.Should().Be(0);

        var run = Cli("simulate", Path.Combine(_temp, "spring-sale.yaml"), "--customer", Example("onboarding.customer.json"), "--events", Example("onboarding.events.jsonl"), "--json");

        run.Exit.Should().Be(0, run.Error);
        var kinds = JsonNode.Parse(run.Out)!.AsArray().Select(n => n!["kind"]!.GetValue<string>()).ToList();
        kinds.Should().Contain(["entered", "sent"]);
    }

    [Fact]
    public void New_ExistingJourney_Exit1AndLeavesItAlone()
    {
        var path = WriteJourney("spring-sale.yaml", "# mine\n");

        var run = Cli("new", "spring-sale", "--dir", _temp);

        run.Exit.Should().Be(1);
        run.Error.Should().Contain("already exists");
        File.ReadAllText(path).Should().Be("# mine\n");
    }

    [Theory]
    [InlineData("Spring Sale")]
    [InlineData("-sale")]
    [InlineData("促销")]
    public void New_BadName_Exit1(string name)
    {
        var run = Cli("new", name, "--dir", _temp);

        run.Exit.Should().Be(1);
        run.Error.Should().Contain("is not a journey name");
        Directory.EnumerateFiles(_temp).Should().BeEmpty();
    }

    [Fact]
    public void Simulate_MultiLineMessageBody_OneRowPerEntryWithLineBreaksFolded()
    {
        var path = WriteJourney("letter.yaml", """
            journey: letter
            entry:
              event: customer.registered
            steps:
              - id: letter
                send: { channel: email, template: letter, category: transactional }
            """);
        Directory.CreateDirectory(Path.Combine(_temp, "templates"));
        File.WriteAllText(Path.Combine(_temp, "templates", "letter.zh-CN.sbn"), "亲爱的 {{ customer.name }}：\n第二行\r\n第三行\n");
        File.WriteAllText(Path.Combine(_temp, "templates", "letter.en.sbn"), "Dear {{ customer.name }},\nline two\n");

        var run = Cli("simulate", path, "--customer", Example("onboarding.customer.json"), "--events", Example("onboarding.events.jsonl"));

        run.Exit.Should().Be(0, run.Error);
        run.Lines.Skip(1).Should().OnlyContain(l => Regex.IsMatch(l, @"^\d{4}-\d{2}-\d{2} "), "every row of the table starts with its time");
        run.Out.Should().Contain("亲爱的 林晓： ⏎ 第二行 ⏎ 第三行");
    }

    [Fact]
    public void Render_CouponTemplate_TakesTheCouponFromTheJourneyThatSendsIt()
    {
        var run = Cli("render", "onboarding-coupon", "--customer", Example("onboarding.customer.json"), "--locale", "en", "--templates", RepoRoot.Templates);

        run.Exit.Should().Be(0, run.Error);
        run.Out.Should().MatchRegex(@"20.*FIRST20-SAMPLE00.*\d{4}-\d{2}-\d{2}", "amount and code of the onboarding journey's first-order-coupon step, expiry 7 days from today");
        run.Error.Should().Contain("sample variables from journey 'onboarding': coupon from step 'first-order-coupon'").And.NotContain("rendered blank");
    }

    [Fact]
    public void Render_WithoutAJourney_WarnsAboutEveryBlankValueAndTakesVar()
    {
        CopyTemplates(); // templates/ with no journey beside it

        var run = Cli("render", "onboarding-coupon", "--customer", Example("onboarding.customer.json"), "--locale", "en", "--templates", Path.Combine(_temp, "templates"), "--var", "coupon_amount=30");

        run.Exit.Should().Be(0, run.Error);
        run.Out.Should().Contain("30");
        var warnings = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        warnings.Should().HaveCount(2, run.Error);
        warnings.Should().OnlyContain(w => Regex.IsMatch(w, @"onboarding-coupon\.en\.sbn:\d+:\d+: warning: vars\.coupon_(code|expires) rendered blank; pass --var coupon_(code|expires)=<value>"));
    }

    [Fact]
    public void Render_BadVar_Exit1()
    {
        var run = Cli("render", "onboarding-coupon", "--customer", Example("onboarding.customer.json"), "--templates", RepoRoot.Templates, "--var", "coupon_amount");

        run.Exit.Should().Be(1);
        run.Error.Should().Contain("use name=value");
    }

    [Fact]
    public void New_IntoTheBuiltInJourneysFolder_RefusedUnlessForced()
    {
        var builtIn = Directory.CreateDirectory(Path.Combine(_temp, "workflows", "journeys")).FullName;

        var refused = Cli("new", "spring-sale", "--output", builtIn);

        refused.Exit.Should().Be(1);
        refused.Error.Should().Contain("built-in journeys").And.Contain("--output");
        Directory.EnumerateFileSystemEntries(builtIn).Should().BeEmpty();

        var forced = Cli("new", "spring-sale", "--output", builtIn, "--force");
        forced.Exit.Should().Be(0, forced.Error);
        File.Exists(Path.Combine(builtIn, "spring-sale.yaml")).Should().BeTrue();
    }

    [Fact]
    public void New_TellsWhereTheJourneyAndItsTemplatesWent()
    {
        var run = Cli("new", "spring-sale", "-o", _temp);

        run.Exit.Should().Be(0, run.Error);
        run.Lines[0].Should().Be($"created {Path.Combine(_temp, "spring-sale.yaml")}");
        run.Lines[1].Should().Be($"templates in {Path.Combine(_temp, "templates")}");
    }

    [Fact]
    public void New_WithoutAFolder_DefaultsToTheCurrentFolderNotTheBuiltIns()
    {
        var command = NewCommand.Create(new CliOutput(TextWriter.Null, TextWriter.Null));

        command.Parse("spring-sale").GetValue<string>("--output").Should().Be(".");
    }

    [Fact]
    public void Run_UnknownCommand_NonZeroExit()
    {
        Cli("frobnicate").Exit.Should().NotBe(0);
    }

    private void CopyTemplates()
    {
        var target = Directory.CreateDirectory(Path.Combine(_temp, JourneyLoader.TemplateFolder)).FullName;
        foreach (var file in Directory.EnumerateFiles(RepoRoot.Templates)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }
}
