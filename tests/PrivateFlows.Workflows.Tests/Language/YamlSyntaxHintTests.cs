using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Tests.Language;

/// <summary>YAML syntax errors point at the line a marketer must fix and say what to do, not the parser's own words.</summary>
public class YamlSyntaxHintTests
{
    private static Diagnostic Syntax(string yaml)
    {
        var result = JourneyLoader.Load("j.yaml", yaml, []);
        return result.Diagnostics.Should().ContainSingle(d => d.Code == DiagnosticCodes.YamlSyntax, string.Join(Environment.NewLine, result.Diagnostics)).Subject;
    }

    [Fact]
    public void Load_TabIndentation_ReportedOnTheTabsLineWithAHint()
    {
        var d = Syntax("journey: tab\nentry:\n  event: customer.registered\nsteps:\n  - id: a\n\twait: 1d\n");

        (d.At.Line, d.At.Column).Should().Be((6, 1), "the tab is on line 6, not on the line above where the parser gives up");
        d.Message.Should().Contain("spaces for indentation, not tabs");
    }

    [Fact]
    public void Load_TabAfterSpaces_ReportedAtTheTab()
    {
        var d = Syntax("journey: tab\nentry:\n  event: customer.registered\nsteps:\n  - id: a\n    wait: 1d\n  - id: b\n   \twait: 1d\n");

        (d.At.Line, d.At.Column).Should().Be((8, 4));
        d.Message.Should().Contain("not tabs");
    }

    [Fact]
    public void Load_LineIndentedDeeperThanItsSiblings_SaysSoWithBothColumns()
    {
        var d = Syntax("journey: ind\nentry:\n  event: customer.registered\nsteps:\n  - id: b\n      wait: 1d\n");

        (d.At.Line, d.At.Column).Should().Be((6, 7));
        d.Message.Should().Be("this line is indented differently from the one above (column 7 here, column 5 on line 5); items of the same list or mapping must start in the same column");
    }
}
