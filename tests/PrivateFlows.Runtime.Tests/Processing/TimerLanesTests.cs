using System.ComponentModel.DataAnnotations;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Tests.Processing;

/// <summary>
/// Timer lanes (<see cref="ProcessingOptions.TimerLanes"/>): one worker runs fired timers of different customers side by
/// side, and a customer's own inputs still run one after another, in order.
/// </summary>
public sealed class TimerLanesTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task TimersOfDifferentCustomers_OnOneWorker_AreDecidedSideBySide()
    {
        await using var engine = await StartAsync(lanes: 4);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heldSawSecond = false;
        var decided = 0;
        engine.Processor.Decide = (state, input, context) =>
        {
            if (Interlocked.Increment(ref decided) == 1) heldSawSecond = second.Task.Wait(Bound); // the first waits for another to start
            else second.TrySetResult();
            return CustomerDecider.Decide(state, input, context);
        };

        engine.Queues.Post(Timer("c1", "t-1"));
        engine.Queues.Post(Timer("c2", "t-2"));
        await engine.SettleAsync();

        heldSawSecond.Should().BeTrue("c2's timer was decided while c1's step was still running on the same worker");
        decided.Should().Be(2);
    }

    [Fact]
    public async Task CustomersEvent_QueuedBehindItsTimerInALane_IsDecidedAfterTheTimersStep()
    {
        await using var engine = await StartAsync(lanes: 4);
        var release = new ManualResetEventSlim();
        var otherDecided = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<string>();
        engine.Processor.Decide = (state, input, context) =>
        {
            var name = input is TimerFired t ? t.TimerId : ((EventReceived)input).Event.Id;
            lock (seen) seen.Add($"{name} began");
            if (name == "t-1")
            {
                held.TrySetResult();
                if (!release.Wait(Bound)) throw new TimeoutException("never released");
            }

            if (name == "t-2") otherDecided.TrySetResult();
            var decision = CustomerDecider.Decide(state, input, context);
            lock (seen) seen.Add($"{name} decided");
            return decision;
        };

        engine.Queues.Post(Timer("c1", "t-1"));
        await held.Task.WaitAsync(Bound); // posted together, the event would share the timer's step (a batch)
        engine.Queues.Post(StepRequest.ForEvent(Events.Order("c1", engine.Now, "o-1")));
        engine.Queues.Post(Timer("c2", "t-2"));
        await otherDecided.Task.WaitAsync(Bound); // c2's timer passed c1's held one and c1's event
        release.Set();
        await engine.SettleAsync();

        lock (seen)
        {
            seen.IndexOf("o-1 began").Should().BeGreaterThan(seen.IndexOf("t-1 decided"), "a customer's inputs keep their order and never overlap");
            seen.IndexOf("t-2 decided").Should().BeLessThan(seen.IndexOf("t-1 decided"));
        }

        (await engine.CustomerAsync("c1")).HasProcessed("e:o-1").Should().BeTrue();
        release.Dispose();
    }

    [Fact]
    public async Task TimerLanes1_RunsTimersOfOneWorkerOneAfterAnother()
    {
        await using var engine = await StartAsync(lanes: 1);
        var inside = 0;
        var most = 0;
        engine.Processor.Decide = (state, input, context) =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            try
            {
                return CustomerDecider.Decide(state, input, context);
            }
            finally
            {
                Interlocked.Decrement(ref inside);
            }
        };

        for (var i = 0; i < 20; i++) engine.Queues.Post(Timer($"c{i}", $"t-{i}"));
        await engine.SettleAsync();

        most.Should().Be(1);
    }

    [Fact]
    public async Task Stopping_WaitsForTheStepsRunningInLanes()
    {
        var engine = await StartAsync(lanes: 4);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        var inside = 0;
        engine.Processor.Decide = (state, input, context) =>
        {
            Interlocked.Increment(ref inside);
            entered.TrySetResult();
            release.Wait(Bound);
            var decision = CustomerDecider.Decide(state, input, context);
            Interlocked.Decrement(ref inside);
            return decision;
        };

        for (var i = 0; i < 8; i++) engine.Queues.Post(Timer($"c{i}", $"t-{i}"));
        await entered.Task.WaitAsync(Bound);
        var stopping = engine.DisposeAsync().AsTask();
        stopping.IsCompleted.Should().BeFalse("a decision is still running in a lane");
        release.Set();
        await stopping.WaitAsync(Bound);

        Volatile.Read(ref inside).Should().Be(0, "the worker waited for its lanes before it stopped");
    }

    [Fact]
    public async Task AWatcherThatThrows_InALane_NeitherStopsTheWorkerNorLeavesTheRequestCounted()
    {
        await using var engine = await StartAsync(lanes: 4);
        var decided = new List<string>();
        engine.Processor.Decide = (state, input, context) =>
        {
            lock (decided) decided.Add(((TimerFired)input).TimerId);
            return CustomerDecider.Decide(state, input, context);
        };

        engine.Queues.Post(StepRequest.ForTimer(new DueTimer("t-1", "c1", "i-c1", EngineHarness.Start), new ThrowingWatcher()));
        await engine.SettleAsync();
        engine.Queues.Post(Timer("c2", "t-2"));
        await engine.SettleAsync();

        engine.Queues.Outstanding.Should().Be(0);
        lock (decided) decided.Should().Equal("t-1", "t-2");
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void TimerLanes_OutsideOneTo64_IsRefusedAtStartUp(int lanes, bool valid)
    {
        var options = new ProcessingOptions { TimerLanes = lanes };
        Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true).Should().Be(valid);
    }

    /// <summary>One worker, so every customer's requests share it.</summary>
    private Task<EngineHarness> StartAsync(int lanes) => EngineHarness.StartAsync(_folder.File($"lanes-{lanes}.db"), settings: new Dictionary<string, string?>
    {
        ["PrivateFlows:Processing:Workers"] = "1",
        ["PrivateFlows:Processing:TimerLanes"] = lanes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    // A timer the store does not hold: the decider ignores it, but it is a step like any other.
    private static StepRequest Timer(string customerId, string timerId) =>
        StepRequest.ForTimer(new DueTimer(timerId, customerId, $"i-{customerId}", EngineHarness.Start));

    private sealed class ThrowingWatcher : IStepWatcher
    {
        public void StepDone(StepRequest request, StepOutcome? outcome) => throw new InvalidOperationException("the engine is stopping");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
