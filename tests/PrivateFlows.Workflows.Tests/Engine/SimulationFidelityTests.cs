using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>
/// What keeps the simulator's timeline equal to the engine's history (found by the differential test in
/// PrivateFlows.Runtime.Tests): timers at whole milliseconds, as every store keeps them, and an event id processed once.
/// </summary>
public sealed class SimulationFidelityTests
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_timer_is_scheduled_at_a_whole_millisecond_rounded_up_even_after_an_event_with_finer_time()
    {
        var at = Monday + TimeSpan.FromTicks(1_234_567); // 123.4567 ms past the second, as DateTimeOffset.UtcNow is sent
        var result = Sim.Run(BuiltIn.Journey(BuiltIn.Onboarding), People.LinXiao(), Monday + TimeSpan.FromDays(2), Events.Registered("r1", at));

        result.Effects.OfType<ScheduleTimer>().Should().NotBeEmpty().And.OnlyContain(t => t.DueAt.UtcTicks % TimeSpan.TicksPerMillisecond == 0);
        var timers = result.Effects.OfType<ScheduleTimer>().Where(t => t.InstanceId.StartsWith(BuiltIn.Onboarding, StringComparison.Ordinal)).ToList();
        timers[0].DueAt.Should().Be(Monday + TimeSpan.FromDays(1) + TimeSpan.FromMilliseconds(124), "a day after the sign-up, never before");
        result.Single("waited", "wait-1d").Time.Should().Be(timers[0].DueAt, "the timer fires at its (rounded) due time");
        result.FinalState.Instances.Single().Waiting!.Until.Should().Be(timers[^1].DueAt);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 10_000)]
    [InlineData(9_999, 10_000)]
    [InlineData(10_000, 10_000)]
    [InlineData(10_001, 20_000)]
    public void Rounding_up_to_the_millisecond(long ticks, long expected) =>
        TimerDue.RoundUp(Monday + TimeSpan.FromTicks(ticks)).Should().Be(Monday + TimeSpan.FromTicks(expected));

    [Fact]
    public void A_repeated_event_id_is_ignored_as_the_engine_ignores_it()
    {
        var order = Events.Order("o1", Monday + TimeSpan.FromHours(1));
        var result = Sim.Run(BuiltIn.All, People.LinXiao(), Monday + TimeSpan.FromDays(2), ContactPolicy.Default,
            Events.Registered("r1", Monday), order, order with { Time = Monday + TimeSpan.FromHours(5) });

        result.FinalState.Profile.Orders.Count.Should().Be(1);
        result.Timeline.Where(t => t.Kind == "event").Select(t => t.Detail).Should().ContainSingle(d => d.EndsWith("duplicate id: ignored", StringComparison.Ordinal));
        result.Timeline.Count(t => t.Kind == "entered" && t.Journey == BuiltIn.WinBack).Should().Be(1);
    }
}
