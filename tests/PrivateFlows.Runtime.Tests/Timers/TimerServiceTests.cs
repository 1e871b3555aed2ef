using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Tests.Timers;

public sealed class TimerServiceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string Db => _folder.File("timers.db");

    public void Dispose() => _folder.Dispose();

    private static async Task<JourneyInstance> Onboarding(EngineHarness engine, string customer) =>
        (await engine.CustomerAsync(customer)).State.Instances.Single(i => i.Journey == "onboarding");

    [Fact]
    public async Task A_wait_fires_when_the_clock_reaches_its_due_time_and_not_before()
    {
        await using var engine = await EngineHarness.StartAsync(Db);
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        (await Onboarding(engine, "c1")).StepId.Should().Be("wait-1d");

        await engine.AdvanceAsync(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        (await Onboarding(engine, "c1")).StepId.Should().Be("wait-1d");

        await engine.AdvanceAsync(TimeSpan.FromSeconds(1));
        var instance = await Onboarding(engine, "c1");
        instance.StepId.Should().Be("wait-until-day-3", "the coupon was issued and sent, then the next wait began");
        var waited = (await engine.Store.ReadInstanceHistoryAsync(instance.InstanceId, 0, 100)).Entries.Single(h => h.Kind == HistoryKind.Waited);
        waited.Time.Should().Be(EngineHarness.Start + TimeSpan.FromDays(1), "the timer fired exactly at its due time");
    }

    [Fact]
    public async Task A_nearer_timer_wakes_the_service_that_sleeps_until_a_far_one()
    {
        var settings = new Dictionary<string, string?> { ["PrivateFlows:Processing:MaxTimerSleep"] = "30.00:00:00" };
        await using var engine = await EngineHarness.StartAsync(Db, settings: settings);
        // A win-back instance waits 30 days: the service goes to sleep until then.
        await engine.DeliverAsync(Events.Order("far", engine.Now, "o-far"));
        await Task.Delay(50);

        await engine.DeliverAsync(Events.Registered("near", engine.Now));
        await engine.AdvanceAsync(TimeSpan.FromDays(1));

        (await Onboarding(engine, "near")).StepId.Should().Be("wait-until-day-3", "the 1-day timer fired although the service had planned to sleep 30 days");
    }

    [Fact]
    public async Task Timers_survive_a_restart_and_fire_late_rather_than_never()
    {
        var clock = new FakeTimeProvider(EngineHarness.Start);
        await using (var engine = await EngineHarness.StartAsync(Db, clock: clock))
        {
            await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        }

        clock.Advance(TimeSpan.FromDays(2));
        await using var restarted = await EngineHarness.StartAsync(Db, clock: clock);
        await restarted.SettleAsync();

        var instance = await Onboarding(restarted, "c1");
        instance.StepId.Should().Be("wait-until-day-3");
        var history = (await restarted.Store.ReadInstanceHistoryAsync(instance.InstanceId, 0, 100)).Entries;
        history.Count(h => h.Kind == HistoryKind.Waited).Should().Be(1, "fired once");
        history.Single(h => h.Kind == HistoryKind.Waited).Time.Should().Be(EngineHarness.Start + TimeSpan.FromDays(2), "decided when the engine came back");
    }

    [Fact]
    public async Task A_stale_timer_is_consumed_and_ignored()
    {
        await using var engine = await EngineHarness.StartAsync(Db);
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        var instance = await Onboarding(engine, "c1");
        var document = await engine.CustomerAsync("c1");
        var stale = new ScheduleTimer("stale/timer", "c1", "stale/timer", instance.InstanceId, engine.Now.AddMinutes(1));
        await engine.Store.CompleteEffectsAsync(document with { PendingEffects = [stale] }, [stale], [], engine.Now);
        engine.Services.GetRequiredService<PrivateFlows.Runtime.Timers.TimerAlarm>().Scheduled(stale.DueAt); // written behind the dispatcher's back
        var before = (await engine.Store.ReadCustomerHistoryAsync("c1", 0, 1000)).Entries.Count;

        await engine.AdvanceAsync(TimeSpan.FromMinutes(2));

        (await engine.Store.ReadTimersAsync("c1")).Should().NotContain(t => t.TimerId == "stale/timer");
        (await engine.Store.ReadCustomerHistoryAsync("c1", 0, 1000)).Entries.Should().HaveCount(before);
        (await Onboarding(engine, "c1")).StepId.Should().Be("wait-1d");
        (await engine.CustomerAsync("c1")).ProcessedInputs.Should().Contain("t:stale/timer");
    }

    [Fact]
    public async Task Many_due_timers_all_fire_in_one_pass()
    {
        var settings = new Dictionary<string, string?> { ["PrivateFlows:Processing:MaxTimersInFlight"] = "7" };
        await using var engine = await EngineHarness.StartAsync(Db, settings: settings);
        var customers = Enumerable.Range(0, 40).Select(i => $"c{i}").ToList();
        await engine.DeliverAsync([.. customers.Select(c => Events.Registered(c, engine.Now))]);

        await engine.AdvanceAsync(TimeSpan.FromDays(1));

        foreach (var c in customers) (await Onboarding(engine, c)).StepId.Should().Be("wait-until-day-3");
        engine.Services.GetRequiredService<CustomerQueues>().Outstanding.Should().Be(0);
    }
}
