using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Runtime.Timers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Tests.Timers;

/// <summary>
/// The timer service posts one step per customer and instant: the decider decides all of a customer's timers due at
/// one instant together and cancels the others, so firing those as well would only cost steps that find them stale.
/// Two test journeys wait one day on the same registration, so each customer has two timers due at one instant.
/// </summary>
public sealed class TimersDueTogetherStepTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string Db => _folder.File("together.db");

    public void Dispose() => _folder.Dispose();

    private static IEnumerable<string> FiredTimers(CustomerDocument document) => document.ProcessedInputs.Where(i => i.StartsWith("t:", StringComparison.Ordinal));

    [Fact]
    public async Task Timers_of_one_customer_due_at_one_instant_are_decided_in_one_step()
    {
        await using var engine = await EngineHarness.StartAsync(Db, Paths.TestJourneys("due-together"));
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        var timers = await engine.Store.ReadTimersAsync("c1");
        timers.Where(t => t.InstanceId != LoyaltyTimer.InstanceId).Should().HaveCount(2).And.OnlyContain(t => t.DueAt == EngineHarness.Start.AddDays(1));

        await engine.AdvanceAsync(TimeSpan.FromDays(1));

        var document = await engine.CustomerAsync("c1");
        document.State.Instances.Should().HaveCount(2).And.OnlyContain(i => !i.IsActive, "both waits ended");
        document.State.Profile.Tags.Should().Contain("together");
        FiredTimers(document).Should().ContainSingle("one step decided both timers; the other was cancelled by it, never fired on its own");
        (await engine.Store.ReadTimersAsync("c1")).Should().NotContain(t => t.InstanceId != LoyaltyTimer.InstanceId);
    }

    [Fact]
    public async Task Many_customers_with_timers_due_together_cost_one_step_each_when_read_in_small_pages()
    {
        // Three steps in flight at most: the pages are small, so a customer's two timers often fall into different pages.
        var settings = new Dictionary<string, string?> { ["PrivateFlows:Processing:MaxTimersInFlight"] = "3" };
        await using var engine = await EngineHarness.StartAsync(Db, Paths.TestJourneys("due-together"), settings: settings);
        var customers = Enumerable.Range(0, 30).Select(i => $"c{i:D2}").ToList();
        await engine.DeliverAsync([.. customers.Select(c => Events.Registered(c, engine.Now))]);

        await engine.AdvanceAsync(TimeSpan.FromDays(1));

        foreach (var c in customers)
        {
            var document = await engine.CustomerAsync(c);
            document.State.Instances.Should().OnlyContain(i => !i.IsActive, $"both of {c}'s waits ended");
            FiredTimers(document).Should().ContainSingle($"{c}'s two timers due together are one step");
        }

        engine.Services.GetRequiredService<TimerService>().InFlight.Should().Be(0);
        engine.Queues.Outstanding.Should().Be(0);
    }

    [Fact]
    public async Task A_timer_due_with_others_that_their_step_leaves_in_the_index_still_fires()
    {
        await using var engine = await EngineHarness.StartAsync(Db, Paths.TestJourneys("due-together"));
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        var document = await engine.CustomerAsync("c1");
        var instance = document.State.Instances[0];
        // Unknown to the customer's state, so the decider does not cancel it with the others: it must still leave the index.
        var orphan = new ScheduleTimer("orphan/timer", "c1", "orphan/timer", instance.InstanceId, EngineHarness.Start.AddDays(1));
        await engine.Store.CompleteEffectsAsync(document with { PendingEffects = [orphan] }, [orphan], [], engine.Now);
        engine.Services.GetRequiredService<TimerAlarm>().Scheduled(orphan.DueAt);

        await engine.AdvanceAsync(TimeSpan.FromDays(1));

        (await engine.Store.ReadTimersAsync("c1")).Should().NotContain(t => t.InstanceId != LoyaltyTimer.InstanceId);
        var after = await engine.CustomerAsync("c1");
        after.ProcessedInputs.Should().Contain("t:orphan/timer");
        FiredTimers(after).Should().HaveCount(2, "the orphan fired after the step that decided the two waits together");
    }
}
