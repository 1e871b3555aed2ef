using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Fuzzing;

/// <summary>Inputs the fuzzer found problems with, kept in <c>Fuzzing/regressions/</c>: each must now be handled well.</summary>
public class FuzzRegressionTests
{
    private static string Folder => Path.Combine(RepoRoot.Path, "tests", "PrivateFlows.Workflows.Tests", "Fuzzing", "regressions");

    public static TheoryData<string> Files() => [.. Directory.EnumerateFiles(Folder, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_FoundByTheFuzzer_OnlyDiagnosticsInsideTheInput(string file)
    {
        var input = new FuzzInput(File.ReadAllText(Path.Combine(Folder, file)), JourneyLoader.ReadTemplates(RepoRoot.Templates), file);

        var problem = JourneyFuzzTests.Check(input, out var result, out _);

        problem.Should().BeNull();
        result!.Diagnostics.Should().NotBeEmpty("every regression input is a broken journey");
    }

    [Fact]
    public void Load_TemplateCutOffInsideAnExpression_ReportedAtItsEndNotAtLine0()
    {
        var yaml = "journey: x\nentry:\n  event: customer.registered\nsteps:\n  - id: a\n    send: { channel: sms, template: cut }\n";
        TemplateSource[] templates = [new("cut", "zh-CN", "你好\n券码{{ vars.coupon_code +", "templates/cut.zh-CN.sbn"), new("cut", "en", "Hi", "templates/cut.en.sbn")];

        var d = JourneyLoader.Load("x.yaml", yaml, templates).Diagnostics.Should().ContainSingle(x => x.Path == "templates/cut.zh-CN.sbn").Subject;

        (d.At.Line, d.At.Column).Should().Be((2, 24), "one past the end of the text, where an expression is missing");
    }

    [Theory]
    [InlineData("P99999999D", "is not a duration")]
    [InlineData("99999999999999999999d", "is not a duration")]
    [InlineData("3661d", "longer than 3660 days")]
    public void Load_HugeTimeout_PF0009NotAnOverflow(string timeout, string message)
    {
        var yaml = $"journey: x\nentry:\n  event: customer.registered\nsteps:\n  - id: a\n    wait_for: {{ event: order.completed, timeout: {timeout}, on_timeout: a }}\n";

        var d = JourneyLoader.Load("x.yaml", yaml, []).Diagnostics.Should().ContainSingle(x => x.Code == DiagnosticCodes.BadDuration).Subject;

        d.Message.Should().Contain(message);
        d.At.Line.Should().Be(6);
    }

    [Fact]
    public void Load_ErrorAtTheEndOfAFileWithoutFinalNewline_ReportedOnTheLastLine()
    {
        var yaml = "journey: x\nentry:\n  event: customer.registered\nsteps:\n  - id: a\n    wait_until: {time: ";

        var d = JourneyLoader.Load("x.yaml", yaml, []).Diagnostics.Should().ContainSingle().Subject;

        (d.At.Line, d.At.Column).Should().Be((6, 24), "one past the end of the last line, where the value is missing");
    }
}
