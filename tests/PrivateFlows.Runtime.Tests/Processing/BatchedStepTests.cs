using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Differential;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Tests.Processing;

/// <summary>
/// Batched steps (<see cref="StepProcessor.ProcessBatchAsync"/>): several queued inputs of one customer decided in
/// order on one read and committed once must leave exactly what sequential steps leave.
/// </summary>
public sealed class BatchedStepTests : IDisposable
{
    private static readonly string[] Journeys = ["birthday-care", "onboarding", "referral-reward", "repurchase-nudge", "win-back"];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task A_batch_of_inputs_leaves_the_same_document_rows_and_messages_as_one_step_per_input(int seed)
    {
        // The clock stands still (the timer service fires nothing): every input is decided at the same instant in both engines.
        var customers = new TimelineGenerator(seed, EngineHarness.Start - TimeSpan.FromDays(130)).Customers(25, "c");
        await using var batched = await EngineHarness.StartAsync(_folder.File("batched.db"));
        await using var sequential = await EngineHarness.StartAsync(_folder.File("sequential.db"), settings: new Dictionary<string, string?> { ["PrivateFlows:Processing:MaxBatch"] = "1" });
        var events = customers.SelectMany(c => c.Timeline).ToList();
        await batched.Store.AcceptEventsAsync(events, batched.Now);
        await sequential.Store.AcceptEventsAsync(events, sequential.Now);

        var random = new Random(seed);
        var batches = 0;
        foreach (var customer in customers)
        {
            var timeline = customer.Timeline;
            for (var at = 0; at < timeline.Count;)
            {
                var take = Math.Min(random.Next(2, 8), timeline.Count - at);
                await BothAsync([.. timeline.Skip(at).Take(take).Select(StepRequest.ForEvent)]);
                at += take;
            }

            // Its timers fired early (the decider takes a fired timer at its due time), a replayed event and a new one.
            var timers = await batched.Store.ReadTimersAsync(customer.CustomerId);
            (await sequential.Store.ReadTimersAsync(customer.CustomerId)).Should().Equal(timers);
            var opened = Events.Other(customer.CustomerId, batched.Now, $"open-{customer.CustomerId}", "app.opened");
            await batched.Store.AcceptEventsAsync([opened], batched.Now);
            await sequential.Store.AcceptEventsAsync([opened], sequential.Now);
            List<StepRequest> more = [.. timers.OrderBy(t => t.DueAt).Select(t => StepRequest.ForTimer(t)), StepRequest.ForEvent(opened)];
            if (timeline.Count > 0) more.Add(StepRequest.ForEvent(timeline[0]));
            if (more.Count > 1) await BothAsync(more);
        }

        batches.Should().BeGreaterThan(25);
        var fewerCommits = 0;
        foreach (var customer in customers)
        {
            var id = customer.CustomerId;
            var one = await batched.Store.ReadCustomerAsync(id);
            var other = await sequential.Store.ReadCustomerAsync(id);
            if (one is null || other is null)
            {
                (one is null).Should().Be(other is null);
                continue;
            }

            RuntimeJson.Serialize(one).Should().Be(RuntimeJson.Serialize(other), $"customer {id}'s document");
            if (one.Version < other.Version) fewerCommits++;
            (await RowsAsync(batched.Store, id)).Should().Be(await RowsAsync(sequential.Store, id), $"customer {id}'s rows");
        }

        fewerCommits.Should().BeGreaterThan(10, "a batch is one commit");
        foreach (var journey in Journeys)
        {
            Json(await batched.Store.ReadJourneyFactsAsync(journey)).Should().Be(Json(await sequential.Store.ReadJourneyFactsAsync(journey)), $"{journey}'s facts");
            Json(await batched.Store.CountInstancesByStepAsync(journey)).Should().Be(Json(await sequential.Store.CountInstancesByStepAsync(journey)), $"{journey}'s step counts");
        }

        async Task BothAsync(List<StepRequest> requests)
        {
            if (requests.Count == 1)
            {
                await batched.Processor.ProcessAsync(requests[0], CancellationToken.None);
            }
            else
            {
                var outcome = await batched.Processor.ProcessBatchAsync(requests, CancellationToken.None);
                outcome.Outcomes.Should().NotBeNull("a batch of good inputs is one step");
                batches++;
            }

            foreach (var request in requests) await sequential.Processor.ProcessAsync(Copy(request), CancellationToken.None);
        }
    }

    [Fact]
    public async Task Inputs_queued_behind_a_running_step_are_committed_as_one_step()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("engine.db"));
        using var gate = Gate(engine);

        await engine.SendAsync(Events.Order("c1", engine.Now, "o-0"));
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await engine.SendAsync([.. Enumerable.Range(1, 10).Select(i => Events.Order("c1", engine.Now, $"o-{i}"))]);
        gate.Release();
        await engine.SettleAsync();

        var document = await engine.CustomerAsync("c1");
        document.State.Profile.Orders.Count.Should().Be(11);
        document.Version.Should().Be(2, "the first order is a step, the ten queued behind it one more");
        (await engine.Store.ReadPendingEventsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Events_accepted_beyond_MaxEventsInMemory_are_queued_by_id_and_read_back_from_the_inbox_as_one_step()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("engine.db"), settings: new Dictionary<string, string?> { ["PrivateFlows:Processing:MaxEventsInMemory"] = "0" });
        using var gate = Gate(engine);

        await engine.SendAsync(Events.Order("c1", engine.Now, "o-0"));
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await engine.SendAsync([.. Enumerable.Range(1, 10).Select(i => Events.Order("c1", engine.Now, $"o-{i}", 10m))]);
        // What the step decides is the inbox's copy: the queue held the id only.
        await using (var connection = new SqliteConnection($"Data Source={engine.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE events SET body = $body WHERE id = 'o-7'";
            command.Parameters.AddWithValue("$body", SqliteJourneyStore.EventBody(Events.Order("c1", engine.Now, "o-7", 1000m)));
            (await command.ExecuteNonQueryAsync()).Should().Be(1);
        }

        gate.Release();
        await engine.SettleAsync();

        var document = await engine.CustomerAsync("c1");
        document.State.Profile.Orders.Count.Should().Be(11);
        document.State.Profile.Orders.Total.Should().Be(99m + 9 * 10m + 1000m);
        document.Version.Should().Be(2, "the first order is a step, the ten queued by id behind it one more");
        (await engine.Store.ReadPendingEventsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task With_MaxBatch_1_every_input_is_its_own_step()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("engine.db"), settings: new Dictionary<string, string?> { ["PrivateFlows:Processing:MaxBatch"] = "1" });
        using var gate = Gate(engine);

        await engine.SendAsync(Events.Order("c1", engine.Now, "o-0"));
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await engine.SendAsync([.. Enumerable.Range(1, 4).Select(i => Events.Order("c1", engine.Now, $"o-{i}"))]);
        gate.Release();
        await engine.SettleAsync();

        (await engine.CustomerAsync("c1")).Version.Should().Be(5);
    }

    [Fact]
    public async Task A_poison_input_in_a_batch_is_parked_and_the_others_are_processed()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("engine.db"));
        using var gate = Gate(engine, "boom.test");

        await engine.SendAsync(Events.Order("c1", engine.Now, "o-0"));
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await engine.SendAsync(Events.Order("c1", engine.Now, "o-1"), Events.Order("c1", engine.Now, "o-2"), Events.Other("c1", engine.Now, "bad-1", "boom.test"),
            Events.Order("c1", engine.Now, "o-3"), Events.Order("c1", engine.Now, "o-4"));
        gate.Release();
        await engine.SettleAsync();

        var poison = (await engine.Store.ReadPoisonAsync(10)).Should().ContainSingle().Subject;
        poison.InputId.Should().Be("bad-1");
        poison.Attempts.Should().Be(3, "the try in the batch counts: no input is tried more than MaxAttempts times");
        gate.Failures.Should().Be(3);
        (await engine.Store.ReadEventStatusAsync("bad-1")).Should().Be(EventStatus.Poison);
        var document = await engine.CustomerAsync("c1");
        document.State.Profile.Orders.Count.Should().Be(5);
        document.ProcessedInputs.Should().Contain(["e:o-1", "e:o-2", "e:o-3", "e:o-4"]).And.NotContain("e:bad-1");
        foreach (var id in new[] { "o-1", "o-2", "o-3", "o-4" }) (await engine.Store.ReadEventStatusAsync(id)).Should().Be(EventStatus.Done);
    }

    [Fact]
    public async Task A_poison_input_in_a_batch_with_MaxAttempts_1_is_tried_once()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("engine.db"), settings: new Dictionary<string, string?> { ["PrivateFlows:Processing:MaxAttempts"] = "1" });
        using var gate = Gate(engine, "boom.test");

        await engine.SendAsync(Events.Order("c1", engine.Now, "o-0"));
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await engine.SendAsync(Events.Order("c1", engine.Now, "o-1"), Events.Other("c1", engine.Now, "bad-1", "boom.test"), Events.Order("c1", engine.Now, "o-2"));
        gate.Release();
        await engine.SettleAsync();

        var poison = (await engine.Store.ReadPoisonAsync(10)).Should().ContainSingle().Subject;
        poison.InputId.Should().Be("bad-1");
        poison.Attempts.Should().Be(1);
        poison.Reason.Should().Contain("the decider exploded");
        gate.Failures.Should().Be(1, "the try in the batch was its only attempt");
        (await engine.CustomerAsync("c1")).State.Profile.Orders.Count.Should().Be(3);
    }

    [Fact]
    public async Task A_timer_of_a_batch_that_falls_back_to_single_steps_records_its_lateness_once()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("engine.db"));
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        var timer = (await engine.Store.ReadTimersAsync("c1")).OrderBy(t => t.DueAt).First();
        var bad = Events.Other("c1", engine.Now, "bad-1", "boom.test");
        await engine.Store.AcceptEventsAsync([bad], engine.Now);
        engine.Processor.Decide = (state, input, context) =>
            input is EventReceived { Event.Type: "boom.test" } ? throw new InvalidOperationException("the decider exploded") : CustomerDecider.Decide(state, input, context);
        var factory = engine.Services.GetRequiredService<IMeterFactory>();
        var lateness = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "privateflows.timer.lateness") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (lateness) lateness.Add(value);
        });
        listener.Start();
        var fired = StepRequest.ForTimer(timer);

        var outcome = await engine.Processor.ProcessBatchAsync([fired, StepRequest.ForEvent(bad)], CancellationToken.None);
        outcome.Outcomes.Should().BeNull("the batch's second input threw");
        (await engine.Processor.ProcessAsync(fired, CancellationToken.None)).Result.Should().Be(StepResult.Processed);

        lateness.Should().HaveCount(1, "the timer was decided twice but fired once");
    }

    [Fact]
    public async Task A_conflict_re_reads_the_customer_and_decides_the_whole_batch_again()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("engine.db"));
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        var orders = Enumerable.Range(1, 3).Select(i => Events.Order("c1", engine.Now, $"o-{i}")).ToList();
        await engine.Store.AcceptEventsAsync(orders, engine.Now);
        var interfered = 0;
        engine.Processor.Decide = (state, input, context) =>
        {
            if (input is EventReceived { Event.Id: "o-2" } && Interlocked.Increment(ref interfered) == 1)
            {
                // Another writer replaces the document between the batch's read and its commit.
                var current = engine.Store.ReadCustomerAsync("c1").GetAwaiter().GetResult()!;
                var changed = current with { State = current.State with { Profile = current.State.Profile with { Tags = current.State.Profile.Tags.Add("set-elsewhere") } } };
                engine.Store.CommitStepAsync(new StepCommit(changed, current.Version)).GetAwaiter().GetResult();
            }

            return CustomerDecider.Decide(state, input, context);
        };

        var outcomes = (await engine.Processor.ProcessBatchAsync([.. orders.Select(StepRequest.ForEvent)], CancellationToken.None)).Outcomes;

        outcomes.Should().NotBeNull().And.OnlyContain(o => o.Result == StepResult.Processed);
        interfered.Should().Be(2, "the batch lost the race and was decided again on the new document");
        var document = await engine.CustomerAsync("c1");
        document.State.Profile.Tags.Should().Contain("set-elsewhere");
        document.State.Profile.Orders.Count.Should().Be(3);
        document.Version.Should().Be(3, "registered, the other writer, the batch");
    }

    [Fact]
    public async Task A_duplicate_inside_a_batch_is_skipped_and_consumed()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("engine.db"));
        var orders = new[] { Events.Order("c1", engine.Now, "o-1", 10m), Events.Order("c1", engine.Now, "o-2", 20m) };
        await engine.Store.AcceptEventsAsync(orders, engine.Now);

        var outcomes = (await engine.Processor.ProcessBatchAsync(
            [StepRequest.ForEvent(orders[0]), StepRequest.ForEvent(orders[1]), StepRequest.ForEvent(orders[0])], CancellationToken.None)).Outcomes;

        outcomes!.Select(o => o.Result).Should().Equal(StepResult.Processed, StepResult.Processed, StepResult.Duplicate);
        var document = await engine.CustomerAsync("c1");
        document.State.Profile.Orders.Count.Should().Be(2);
        document.State.Profile.Orders.Total.Should().Be(30m);
        document.Version.Should().Be(1);
        (await engine.Store.ReadPendingEventsAsync()).Should().BeEmpty();
    }

    [Fact]
    public void CanBatch_CommandsFlushesBrokerDeliveriesAndAwaitedRequests_RunAlone()
    {
        var order = Events.Order("c1", EngineHarness.Start, "o-1");
        var timer = new DueTimer("t1", "c1", "i1", EngineHarness.Start);
        StepProcessor.CanBatch(StepRequest.ForEvent(order)).Should().BeTrue();
        StepProcessor.CanBatch(StepRequest.ForTimer(timer)).Should().BeTrue();

        StepProcessor.CanBatch(StepRequest.ForCommand("c1", new EventReceived(order), "cmd-1")).Should().BeFalse();
        StepProcessor.CanBatch(StepRequest.Flush("c1")).Should().BeFalse();
        var delivered = StepRequest.ForEvent(order);
        delivered.RetriedByCaller = true;
        StepProcessor.CanBatch(delivered).Should().BeFalse();
        var awaited = StepRequest.ForEvent(order);
        awaited.Completion = new TaskCompletionSource<StepOutcome>();
        StepProcessor.CanBatch(awaited).Should().BeFalse();
    }

    [Fact]
    public async Task A_command_queued_between_a_customers_events_keeps_its_place()
    {
        await using var engine = await EngineHarness.StartAsync(_folder.File("engine.db"));
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        using var gate = Gate(engine);
        var seen = new List<string>();
        var decide = engine.Processor.Decide;
        engine.Processor.Decide = (state, input, context) =>
        {
            lock (seen) seen.Add(input is EventReceived e ? e.Event.Id : input.GetType().Name);
            return decide(state, input, context);
        };

        await engine.SendAsync(Events.Order("c1", engine.Now, "o-0"));
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await engine.SendAsync(Events.Order("c1", engine.Now, "o-1"));
        var command = engine.Queues.SubmitAsync(StepRequest.ForCommand("c1", new EventReceived(Events.Other("c1", engine.Now, "cmd", "app.opened")), "cmd-1"));
        await engine.SendAsync(Events.Order("c1", engine.Now, "o-2"));
        gate.Release();
        await command.WaitAsync(TimeSpan.FromSeconds(30));
        await engine.SettleAsync();

        seen.Should().Equal("o-0", "o-1", "cmd", "o-2");
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void MaxBatch_OutsideOneToRememberedInputs_IsRefusedAtStartUp(int maxBatch, bool valid)
    {
        var options = new ProcessingOptions { MaxBatch = maxBatch };
        Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true).Should().Be(valid);
    }

    /// <summary>A request as a fresh one (the processor may keep state on a request it ran).</summary>
    private static StepRequest Copy(StepRequest request) => request.Timer is { } timer ? StepRequest.ForTimer(timer) : StepRequest.ForEvent(((EventReceived)request.Input!).Event);

    private static async Task<string> RowsAsync(IJourneyStore store, string customerId) => Json(new
    {
        History = (await store.ReadCustomerHistoryAsync(customerId, 0, 10_000)).Entries,
        Messages = await store.ReadMessagesAsync(customerId, 10_000),
        Timers = await store.ReadTimersAsync(customerId),
        Points = await store.ReadPointsAsync(customerId),
        Coupons = await store.ReadCouponsAsync(customerId),
        Events = (await store.ReadEventsAsync(customerId, 0, 10_000)).Select(e => new { e.Event.Id, e.Status }),
    });

    private static string Json(object value) => JsonSerializer.Serialize(value);

    /// <summary>Holds the worker inside the first decision (of an event whose type is not <paramref name="failing"/>) until released; decisions of <paramref name="failing"/> events throw.</summary>
    private static DecideGate Gate(EngineHarness engine, string? failing = null)
    {
        var gate = new DecideGate();
        var first = 0;
        engine.Processor.Decide = (state, input, context) =>
        {
            if (failing is not null && input is EventReceived { Event.Type: var type } && type == failing)
            {
                gate.Failed();
                throw new InvalidOperationException("the decider exploded");
            }

            if (Interlocked.Exchange(ref first, 1) == 0)
            {
                gate.Entered.TrySetResult();
                gate.Wait();
            }

            return CustomerDecider.Decide(state, input, context);
        };
        return gate;
    }

    private sealed class DecideGate : IDisposable
    {
        private readonly ManualResetEventSlim _released = new();
        private int _failures;

        public int Failures => Volatile.Read(ref _failures);

        public void Failed() => Interlocked.Increment(ref _failures);

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Wait()
        {
            if (!_released.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the test never released the gate");
        }

        public void Release() => _released.Set();

        public void Dispose()
        {
            _released.Set();
            _released.Dispose();
        }
    }
}
