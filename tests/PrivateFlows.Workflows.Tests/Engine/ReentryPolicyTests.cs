using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>Re-entry policies (once, always, after &lt;duration&gt;) and at most one active instance per customer and journey.</summary>
public class ReentryPolicyTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 3, 2, 10, 0);

    private static JourneyVersion Journey(string reentry, string wait = "1h")
    {
        var yaml = $"""
            journey: check-in
            entry:
              event: app.opened
              reentry: "{reentry}"
            steps:
              - id: hello
                tag: opened
              - id: pause
                wait: {wait}
            """;
        return JourneyLoader.Load("check-in.yaml", yaml, []).Journeys.Single();
    }

    private static CustomerEvent Opened(string id, DateTimeOffset at) => Events.Make(id, EventTypes.AppOpened, at);

    [Fact]
    public void Enter_AfterPolicyTooSoon_NotEnteredNamingThePolicyAndTheDate()
    {
        var result = Sim.Run(Journey("after 30d"), People.LinXiao("c1"), T0.AddDays(60), Opened("a1", T0), Opened("a2", T0.AddDays(10)), Opened("a3", T0.AddDays(31)));

        var refused = result.Single("not_entered", null);
        refused.Time.Should().Be(T0.AddDays(10));
        refused.Detail.Should().Be("re-entry policy 'after 30d': last entered 2026-03-02T02:00:00Z, may re-enter from 2026-04-01T02:00:00Z");
        result.Of("entered").Select(t => t.Time).Should().Equal(T0, T0.AddDays(31));
    }

    [Fact]
    public void Enter_AfterPolicyExactlyAtTheBoundary_Entered()
    {
        var result = Sim.Run(Journey("after 30d"), People.LinXiao("c1"), T0.AddDays(60), Opened("a1", T0), Opened("a2", T0.AddDays(30)));

        result.Of("entered").Should().HaveCount(2);
    }

    [Fact]
    public void Enter_OncePolicy_RefusedForever()
    {
        var result = Sim.Run(Journey("once"), People.LinXiao("c1"), T0.AddDays(400), Opened("a1", T0), Opened("a2", T0.AddDays(365)));

        result.Single("not_entered", null).Detail.Should().StartWith("re-entry policy 'once'");
    }

    [Fact]
    public void Enter_AlwaysPolicyWhileStillRunning_RefusedBecauseOneActiveInstanceAtMost()
    {
        var result = Sim.Run(Journey("always", wait: "5d"), People.LinXiao("c1"), T0.AddDays(20), Opened("a1", T0), Opened("a2", T0.AddDays(2)), Opened("a3", T0.AddDays(6)));

        result.Single("not_entered", null).Detail.Should().MatchRegex(@"^already in this journey \(instance check-in-[0-9a-f]{16}, active\)$");
        result.Of("entered").Select(t => t.Time).Should().Equal(T0, T0.AddDays(6));
    }
}
