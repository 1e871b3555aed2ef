using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Runtime.Timers;

namespace PrivateFlows.Runtime.Tests.Timers;

/// <summary>
/// The TimerService wake-up flake: the service read the clock, then registered its sleep until the next timer; a test
/// clock that moved in between made the sleep end later by that move, so advancing the clock exactly to the due time
/// never woke it (the wait-fires test timed out in "did not settle within 30 s", 1 run in 15 here).
/// </summary>
public sealed class TimerSleepRaceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_clock_that_moves_while_the_service_registers_its_sleep_does_not_make_it_oversleep_the_timer()
    {
        var clock = new JumpWhileRegistering(EngineHarness.Start);
        await using var engine = await EngineHarness.StartAsync(_folder.File("race.db"), clock: clock);
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        var due = EngineHarness.Start.AddDays(1);

        // The next sleep the service registers (its longest, 5 min: the timer is a day away) sees the clock move 23:59:59
        // first, as if the test had advanced it between the service reading the clock and registering the sleep.
        clock.Jump = TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1);
        engine.Services.GetRequiredService<TimerAlarm>().Ring();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (clock.Jump is not null && DateTime.UtcNow < deadline) await Task.Delay(10);
        clock.Jump.Should().BeNull("the service registered a new sleep");

        await engine.AdvanceAsync(TimeSpan.FromSeconds(1)); // exactly to the due time

        engine.Now.Should().Be(due);
        (await engine.CustomerAsync("c1")).State.Instances.Single(i => i.Journey == "onboarding").StepId.Should().Be("wait-until-day-3");
    }

    /// <summary>A fake clock that moves by <see cref="Jump"/> once, just before a timer on it is started.</summary>
    private sealed class JumpWhileRegistering(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private long _jumpTicks = -1;

        public TimeSpan? Jump
        {
            get => Interlocked.Read(ref _jumpTicks) is var t and >= 0 ? TimeSpan.FromTicks(t) : null;
            set => Interlocked.Exchange(ref _jumpTicks, value?.Ticks ?? -1);
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            BeforeStart(dueTime);
            return new Jumping(this, base.CreateTimer(callback, state, dueTime, period));
        }

        // Task.Delay creates its timer stopped and then starts it with Change: either may register the sleep.
        private void BeforeStart(TimeSpan dueTime)
        {
            if (Jump is { } jump && dueTime > TimeSpan.Zero)
            {
                Jump = null;
                Advance(jump);
            }
        }

        private sealed class Jumping(JumpWhileRegistering clock, ITimer inner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                clock.BeforeStart(dueTime);
                return inner.Change(dueTime, period);
            }

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
