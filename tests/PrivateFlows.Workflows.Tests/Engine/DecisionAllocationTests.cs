using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>
/// What one decision allocates is a cost of every event and fired timer (issue 19): the timer burst's step may not
/// grow back to what it was (29 KB with the whole script model built for the coupon SMS, 18 KB before housekeeping
/// stopped copying the profile).
/// </summary>
public class DecisionAllocationTests
{
    [Fact]
    public void Decide_OnboardingDayOneTimer_AllocatesUnder16KB()
    {
        // Registered at noon in London: the day-1 timer fires outside quiet hours, so the coupon SMS is rendered and sent.
        var registeredAt = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var journeys = BuiltIn.All;
        var profile = People.EmilyChen("c1") with { TimeZone = "Europe/London", Locale = "zh-CN" };
        var entered = CustomerDecider.Decide(CustomerState.New("c1") with { Profile = profile }, new EventReceived(Events.Registered("r1", registeredAt)), DecisionContext.For(registeredAt, journeys)).State;
        var waiting = entered.Instances.Single(i => i.Journey == BuiltIn.Onboarding).Waiting!;
        var fired = new TimerFired(waiting.TimerId!, entered.Instances.Single().InstanceId, waiting.Until!.Value);
        var context = DecisionContext.For(fired.DueAt, journeys);
        // Each decision reads a fresh document in the runtime: a new profile, nothing memoized for it.
        Decision Step() => CustomerDecider.Decide(entered with { Profile = entered.Profile with { } }, fired, context);
        Step().Effects.OfType<SendMessage>().Should().ContainSingle();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++) Step();
        var perDecision = (GC.GetAllocatedBytesForCurrentThread() - before) / 50;

        perDecision.Should().BeLessThan(16_000);
    }
}
