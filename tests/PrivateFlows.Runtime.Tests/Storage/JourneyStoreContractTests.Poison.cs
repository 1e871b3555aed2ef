using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>Poison inputs (IPoisonInputs).</summary>
public abstract partial class JourneyStoreContractTests
{
    [Fact]
    public async Task Poison_parks_the_event_and_adds_up_attempts_when_parked_again()
    {
        await Store.AcceptEventsAsync([Events.Order("c1", At, "bad")], At);
        await Store.ParkPoisonAsync(new PoisonInput("bad", "c1", "event", "{}", "InvalidOperationException: boom", 3, At), "bad", null);
        await Store.ParkPoisonAsync(new PoisonInput("bad", "c1", "event", "{}", "InvalidOperationException: boom again", 3, At.AddMinutes(1)), "bad", null);
        await Store.ParkPoisonAsync(new PoisonInput("worse", "c2", "event", "{\"x\":1}", "FormatException: no", 5, At.AddMinutes(2)), null, null);

        (await Store.ReadEventStatusAsync("bad")).Should().Be(EventStatus.Poison);
        (await Store.ReadPendingEventsAsync()).Should().BeEmpty();
        var poison = await Store.ReadPoisonAsync(10);
        poison.Select(p => p.InputId).Should().Equal("worse", "bad");
        poison[1].Reason.Should().Contain("boom again");
        poison[1].Attempts.Should().Be(6);
        poison[0].Should().Be(new PoisonInput("worse", "c2", "event", "{\"x\":1}", "FormatException: no", 5, At.AddMinutes(2)));
        (await Store.ReadPoisonAsync(1)).Should().ContainSingle(p => p.InputId == "worse");
        (await Store.ReadStatusAsync()).Poison.Should().Be(2);
    }

    [Fact]
    public async Task A_poisoned_timer_leaves_the_index()
    {
        List<Effect> effects = [new ScheduleTimer("t1", "c1", "t1", "i1", At.AddMinutes(5)), new ScheduleTimer("t2", "c1", "t2", "i1", At.AddMinutes(6))];
        var doc = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        await Store.CompleteEffectsAsync(doc, effects, [], At);

        await Store.ParkPoisonAsync(new PoisonInput("t1", "c1", "timer", "{}", "boom", 3, At), null, "t1");

        (await Store.ReadEarliestTimersAsync(10)).Select(t => t.TimerId).Should().Equal("t2");
        (await Store.ReadTimersAsync("c1")).Select(t => t.TimerId).Should().Equal("t2");
        (await Store.ReadPoisonAsync(10)).Should().ContainSingle(p => p.Kind == "timer");
    }
}
