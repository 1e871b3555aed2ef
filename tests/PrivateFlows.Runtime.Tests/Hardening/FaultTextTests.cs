using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Tests.Hardening;

/// <summary>Poison reasons and problem details carry no absolute server paths or stack traces (issue #17, item 12).</summary>
public sealed class FaultTextTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData("Could not find file '/srv/privateflows/journeys/onboarding.yaml'.", "Could not find file 'onboarding.yaml'.")]
    [InlineData(@"Could not find file 'C:\apps\pf\journeys\onboarding.yaml'.", "Could not find file 'onboarding.yaml'.")]
    [InlineData("template error in file:///home/ops/pf/templates/welcome.sbn(3,4)", "template error in welcome.sbn(3,4)")]
    [InlineData("boom\n   at PrivateFlows.X.Y() in /src/X.cs:line 3\n   at Z()", "boom")]
    [InlineData("POST https://hooks.example.com/a/b failed: 500", "POST https://hooks.example.com/a/b failed: 500")]
    [InlineData("amount must be 1/2 or more", "amount must be 1/2 or more")]
    public void Safe_Text_KeepsFileNamesDropsServerPathsAndStackTraces(string text, string expected) =>
        FaultText.Safe(text).Should().Be(expected);

    [Fact]
    public async Task ParkedReason_ExceptionNamingAServerPath_KeepsOnlyTheFileName()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("reason.db"));
        engine.Processor.Decide = (state, input, context) => input is EventReceived { Event.Type: EventTypes.OrderCompleted }
            ? throw new FileNotFoundException("Could not find file '/srv/privateflows/journeys/secret/onboarding.yaml'.")
            : CustomerDecider.Decide(state, input, context);

        await engine.DeliverAsync(Events.Registered("c1", engine.Now), Events.Order("c1", engine.Now, "bad-1"));

        var parked = (await engine.Store.ReadPoisonAsync(10)).Should().ContainSingle().Subject;
        parked.Reason.Should().Be("FileNotFoundException: Could not find file 'onboarding.yaml'.");
    }

    public void Dispose() => _folder.Dispose();
}
