using System.Text;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Tests.Language;

/// <summary>
/// Journeys arrive over HTTP (publish, dashboard validate): input built to exhaust the host's stack, memory or time is
/// refused with a PF0017 diagnostic at its position instead of taking the process down.
/// </summary>
public class HostileInputTests
{
    private const string Head = """
        journey: hostile
        entry:
          event: customer.registered
        steps:
          - id: a
            wait: 1d

        """;

    private static Diagnostic Single(LoadResult result, string code)
    {
        result.Journeys.Should().BeEmpty();
        return result.Diagnostics.Should().ContainSingle(d => d.Code == code, string.Join(Environment.NewLine, result.Diagnostics)).Subject;
    }

    [Fact]
    public void Load_40KBOfNestedBrackets_RefusedAtTheDepthLimitInsteadOfOverflowingTheStack()
    {
        // Before the limit this overflowed the stack in the YAML→JSON schema conversion and killed the host.
        var yaml = "journey: deep\nentry:\n  event: customer.registered\nsteps: " + new string('[', 40_000) + "\n";

        var d = Single(JourneyLoader.Load("deep.yaml", yaml, []), DiagnosticCodes.OverLimit);

        d.At.Line.Should().Be(4);
        d.At.Column.Should().Be(8 + JourneyLimits.MaxDepth - 1, "the first bracket past the limit");
        d.Message.Should().Contain($"more than {JourneyLimits.MaxDepth} deep");
    }

    [Fact]
    public void Load_NestedBlockMappings_RefusedAtTheDepthLimit()
    {
        var yaml = new StringBuilder(Head).Append("x:\n");
        for (var i = 1; i < 200; i++) yaml.Append(' ', i).Append("x:\n");

        Single(JourneyLoader.Load("deep.yaml", yaml.ToString(), []), DiagnosticCodes.OverLimit).At.Line.Should().Be(7 + JourneyLimits.MaxDepth, "line 7 is the root's key; its value mapping (depth 2) starts on line 8");
    }

    [Fact]
    public void Load_AliasBomb_RefusedAtTheAliasThatPassesTheNodeLimit()
    {
        // Nine aliases per level: six levels expand 300 bytes to 9^6 = 531,441 values (nine levels drove the host past 4 GB).
        var yaml = new StringBuilder(Head).Append("x0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i <= 6; i++) yaml.Append($"x{i}: &a{i} [").AppendJoin(", ", Enumerable.Repeat($"*a{i - 1}", 9)).Append("]\n");

        var d = Single(JourneyLoader.Load("bomb.yaml", yaml.ToString(), []), DiagnosticCodes.OverLimit);

        d.Message.Should().Contain("alias (*name)");
        d.At.Line.Should().BeInRange(8, 13);
    }

    [Fact]
    public void Load_AliasInsideItsOwnAnchor_Refused()
    {
        var yaml = """
            journey: self
            entry: &e
              event: customer.registered
              again: *e
            steps:
              - id: a
                wait: 1d
            """;

        var d = Single(JourneyLoader.Load("self.yaml", yaml, []), DiagnosticCodes.OverLimit);

        (d.At.Line, d.At.Column).Should().Be((4, 10));
    }

    [Fact]
    public void Load_AFewAliases_StillAllowed()
    {
        var yaml = """
            journey: anchors
            entry:
              event: customer.registered
            steps:
              - id: a
                wait: &day 1d
              - id: b
                wait: *day
            """;

        var result = JourneyLoader.Load("anchors.yaml", yaml, []);

        result.HasErrors.Should().BeFalse(string.Join(Environment.NewLine, result.Diagnostics));
        result.Journeys.Should().ContainSingle();
    }

    [Fact]
    public void Load_InputOverTheSizeLimit_RefusedWithoutReadingIt()
    {
        var yaml = Head + "# " + new string('x', JourneyLimits.MaxCharacters) + "\n";

        var d = Single(JourneyLoader.Load("big.yaml", yaml, []), DiagnosticCodes.OverLimit);

        (d.At.Line, d.At.Column).Should().Be((1, 1));
        d.Message.Should().Contain("characters");
    }

    [Fact]
    public void Parse_Cancelled_ReturnsADiagnosticInsteadOfThrowing()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var (journey, diagnostics) = JourneyParser.Parse("any.yaml", Head, cancelled.Token);

        journey.Should().BeNull();
        diagnostics.Should().ContainSingle(d => d.Code == DiagnosticCodes.OverLimit).Which.Message.Should().Contain("cancelled");
    }

    [Fact]
    public void Load_MappingUsedAsAKey_SchemaErrorNotACrash()
    {
        var yaml = Head + "? [a, b]\n: c\n";

        var result = JourneyLoader.Load("key.yaml", yaml, []);

        result.Diagnostics.Should().ContainSingle(d => d.Code == DiagnosticCodes.Schema).Which.At.Line.Should().Be(7);
    }
}
