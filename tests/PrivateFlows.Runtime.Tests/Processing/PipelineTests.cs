using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Simulation;

namespace PrivateFlows.Runtime.Tests.Processing;

public sealed class PipelineTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string Db => _folder.File("engine.db");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_customer_moves_through_the_built_in_journeys_exactly_as_the_simulator_says()
    {
        await using var engine = await EngineHarness.StartAsync(Db);
        var start = engine.Now;
        var registered = Events.Registered("cust-1", start, birthday: "03-10");
        var order = Events.Order("cust-1", start + TimeSpan.FromDays(3) + TimeSpan.FromHours(1), "o-1", 159m);

        await engine.DeliverAsync(registered);
        await engine.AdvanceToAsync(order.Time);
        await engine.DeliverAsync(order);
        await engine.AdvanceToAsync(start + TimeSpan.FromDays(20));

        var journeys = engine.Services.GetRequiredService<JourneyCatalog>().Latest;
        var simulated = Simulator.Run(journeys, new CustomerProfile { CustomerId = "cust-1" }, [registered, order], start + TimeSpan.FromDays(20));
        var expected = simulated.Timeline.Where(t => t.Kind != "event").Select(t => (t.Time, t.Kind, t.Step, t.Detail, t.InstanceId)).ToList();
        var actual = (await engine.Store.ReadCustomerHistoryAsync("cust-1", 0, 1000)).Entries
            .Select(h => (h.Time, Simulator.KindName(h.Kind), h.Step, h.Detail, (string?)h.InstanceId)).ToList();

        expected.Should().NotBeEmpty();
        actual.Should().Equal(expected);
        var document = await engine.CustomerAsync("cust-1");
        document.State.Profile.Should().BeEquivalentTo(simulated.FinalState.Profile, o => o.ComparingByMembers<CustomerProfile>());
        document.PendingEffects.Should().BeEmpty();

        var sends = simulated.Effects.OfType<SendMessage>().Select(s => s.EffectId).ToList();
        var messages = await engine.Store.ReadMessagesAsync("cust-1", 100);
        messages.Select(m => m.EffectId).Should().Equal(sends);
        messages.Should().OnlyContain(m => m.Status == DeliveryStatus.Sandboxed && m.Body.Length > 0);
        (await engine.Store.ReadCouponsAsync("cust-1")).Select(c => c.Code).Should().Equal(simulated.Effects.OfType<IssueCoupon>().Select(c => c.Code));
    }

    [Fact]
    public async Task A_duplicate_event_id_is_accepted_but_processed_once()
    {
        await using var engine = await EngineHarness.StartAsync(Db);
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        var first = await engine.DeliverAsync(Events.Order("c1", engine.Now, "o-1", 100m));
        var again = await engine.DeliverAsync(Events.Order("c1", engine.Now, "o-1", 100m), Events.Order("c1", engine.Now, "o-1", 100m));

        first.Duplicates.Should().BeEmpty();
        again.Accepted.Should().BeEmpty("a duplicate is only listed as a duplicate");
        again.Duplicates.Should().Equal("o-1");
        var document = await engine.CustomerAsync("c1");
        document.State.Profile.Orders.Count.Should().Be(1);
        document.State.Profile.Orders.Total.Should().Be(100m);
    }

    [Fact]
    public async Task An_event_of_an_unknown_type_lands_on_the_timeline_and_starts_nothing()
    {
        await using var engine = await EngineHarness.StartAsync(Db);
        await engine.DeliverAsync(Events.Other("c1", engine.Now, "x-1", "cart.abandoned"));

        var timeline = await engine.Store.ReadEventsAsync("c1", 0, 10);
        timeline.Should().ContainSingle(t => t.Event.Type == "cart.abandoned" && t.Status == EventStatus.Done);
        (await engine.CustomerAsync("c1")).State.Instances.Should().BeEmpty();
        (await engine.Store.ReadCustomerHistoryAsync("c1", 0, 10)).Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task An_input_that_keeps_throwing_is_parked_as_poison_and_the_customer_is_untouched()
    {
        await using var engine = await EngineHarness.StartAsync(Db);
        var calls = 0;
        engine.Processor.Decide = (state, input, context) =>
        {
            if (input is EventReceived { Event.Type: "boom.test" })
            {
                Interlocked.Increment(ref calls);
                throw new InvalidOperationException("the decider exploded");
            }

            return CustomerDecider.Decide(state, input, context);
        };
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        var before = await engine.CustomerAsync("c1");

        await engine.DeliverAsync(Events.Other("c1", engine.Now, "bad-1", "boom.test"), Events.Order("c1", engine.Now, "o-1"));

        calls.Should().Be(3);
        var poison = (await engine.Store.ReadPoisonAsync(10)).Should().ContainSingle().Subject;
        poison.InputId.Should().Be("bad-1");
        poison.Reason.Should().Be("InvalidOperationException: the decider exploded");
        poison.Attempts.Should().Be(3);
        poison.Body.Should().Contain("boom.test");
        (await engine.Store.ReadEventStatusAsync("bad-1")).Should().Be(EventStatus.Poison);
        var after = await engine.CustomerAsync("c1");
        after.ProcessedInputs.Should().NotContain("e:bad-1").And.Contain("e:o-1", "the next event is processed normally");
        after.State.Profile.Orders.Count.Should().Be(before.State.Profile.Orders.Count + 1);
    }

    [Fact]
    public async Task A_template_error_faults_the_instance_and_retry_works_once_the_data_is_fixed()
    {
        await using var engine = await EngineHarness.StartAsync(Db);
        // An impossible birthday no longer faults birthday-care (it counts as none): a points expression over bad profile data does.
        const string yaml = """
            journey: bonus
            category: transactional
            entry:
              event: customer.profile_updated
            steps:
              - id: award
                award_points:
                  points: "customer.attributes.bonus"
              - id: wait-1d
                wait: 1d
            """;
        (await engine.Services.GetRequiredService<PrivateFlows.Runtime.Journeys.JourneyPublisher>().PublishAsync(yaml, null)).Journey.Should().NotBeNull();
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        await engine.DeliverAsync(Events.ProfileUpdated("c1", engine.Now, "bad-1", new JsonObject { ["attributes"] = new JsonObject { ["bonus"] = "lots" } }));
        var faulted = (await engine.CustomerAsync("c1")).State.Instances.Single(i => i.Journey == "bonus");
        faulted.Status.Should().Be(InstanceStatus.Faulted);
        faulted.Error.Should().Contain("lots");

        var commands = engine.Services.GetRequiredService<InstanceCommands>();
        (await commands.RetryAsync(faulted.InstanceId)).Instance!.Status.Should().Be(InstanceStatus.Faulted, "the data is still wrong");

        await engine.DeliverAsync(Events.ProfileUpdated("c1", engine.Now, "fix-1", new JsonObject { ["attributes"] = new JsonObject { ["bonus"] = "5" } }));
        var retried = await commands.RetryAsync(faulted.InstanceId);

        retried.Status.Should().Be(CommandStatus.Done);
        retried.Instance!.Status.Should().Be(InstanceStatus.Active);
        retried.Instance.Waiting!.Until.Should().NotBeNull();
        (await engine.Store.ReadTimersAsync("c1")).Should().Contain(t => t.InstanceId == faulted.InstanceId);
        var kinds = (await engine.Store.ReadInstanceHistoryAsync(faulted.InstanceId, 0, 100)).Entries.Select(h => h.Kind).ToList();
        kinds.Should().ContainInOrder(HistoryKind.Entered, HistoryKind.Faulted, HistoryKind.Retried, HistoryKind.Faulted, HistoryKind.Retried, HistoryKind.Waiting);
        (await commands.RetryAsync(faulted.InstanceId)).Status.Should().Be(CommandStatus.Refused, "only faulted instances can be retried");
    }

    [Fact]
    public async Task Cancelling_an_instance_ends_it_and_removes_its_timer()
    {
        await using var engine = await EngineHarness.StartAsync(Db);
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        var onboarding = (await engine.CustomerAsync("c1")).State.Instances.Single(i => i.Journey == "onboarding");
        (await engine.Store.ReadTimersAsync("c1")).Should().Contain(t => t.InstanceId == onboarding.InstanceId);

        var commands = engine.Services.GetRequiredService<InstanceCommands>();
        var result = await commands.CancelAsync(onboarding.InstanceId, "asked to stop");
        await engine.SettleAsync();

        result.Instance!.Status.Should().Be(InstanceStatus.Ended);
        result.Instance.Outcome.Should().Be(InstanceOutcome.Cancelled);
        (await engine.Store.ReadTimersAsync("c1")).Should().NotContain(t => t.InstanceId == onboarding.InstanceId);
        (await engine.Store.ReadInstanceHistoryAsync(onboarding.InstanceId, 0, 100)).Entries[^1].Detail.Should().Contain("asked to stop");
        (await commands.CancelAsync(onboarding.InstanceId, null)).Status.Should().Be(CommandStatus.Refused);
        (await commands.CancelAsync("no-such-instance", null)).Status.Should().Be(CommandStatus.NotFound);
    }

    [Fact]
    public async Task At_start_up_the_outbox_left_by_a_crash_is_dispatched_and_accepted_events_are_processed()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(EngineHarness.Start);
        var journeys = JourneyLoader.LoadDirectory(Paths.BuiltInJourneys).Journeys;
        var registered = Events.Registered("c1", clock.GetUtcNow());
        var decision = CustomerDecider.Decide(CustomerState.New("c1"), new EventReceived(registered), DecisionContext.For(clock.GetUtcNow(), journeys));
        await using (var store = new SqliteJourneyStore(Microsoft.Extensions.Options.Options.Create(new SqliteOptions { Path = Db }), clock))
        {
            // The crash: committed with its effects in the outbox, never dispatched; and one more event accepted only.
            await store.AcceptEventsAsync([registered, Events.Order("c1", clock.GetUtcNow(), "o-1")], clock.GetUtcNow());
            await store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1").After(decision, $"e:{registered.Id}"), 0, registered.Id));
        }

        await using var engine = await EngineHarness.StartAsync(Db, clock: clock);
        await engine.SettleAsync();

        var document = await engine.CustomerAsync("c1");
        document.PendingEffects.Should().BeEmpty();
        document.State.Profile.Orders.Count.Should().Be(1);
        var history = (await engine.Store.ReadCustomerHistoryAsync("c1", 0, 1000)).Entries;
        history.Select(h => h.EntryId).Should().Contain(decision.Effects.OfType<RecordHistory>().Select(h => h.EffectId));
        history.Select(h => h.EntryId).Should().OnlyHaveUniqueItems();
        (await engine.Store.ReadMessagesAsync("c1", 10)).Select(m => m.EffectId).Should().Contain(decision.Effects.OfType<SendMessage>().Select(s => s.EffectId));
        (await engine.Store.ReadPendingEventsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task An_ETag_conflict_re_reads_the_customer_and_decides_again()
    {
        await using var engine = await EngineHarness.StartAsync(Db);
        await engine.DeliverAsync(Events.Registered("c1", engine.Now));
        var interfered = 0;
        engine.Processor.Decide = (state, input, context) =>
        {
            if (input is EventReceived { Event.Id: "o-1" } && Interlocked.Increment(ref interfered) == 1)
            {
                // Another writer replaces the document between our read and our commit.
                var current = engine.Store.ReadCustomerAsync("c1").GetAwaiter().GetResult()!;
                var changed = current with { State = current.State with { Profile = current.State.Profile with { Tags = current.State.Profile.Tags.Add("set-elsewhere") } } };
                engine.Store.CommitStepAsync(new StepCommit(changed, current.Version)).GetAwaiter().GetResult();
            }

            return CustomerDecider.Decide(state, input, context);
        };

        await engine.DeliverAsync(Events.Order("c1", engine.Now, "o-1"));

        interfered.Should().Be(2, "the first decision lost the race and was made again on the new document");
        var document = await engine.CustomerAsync("c1");
        document.State.Profile.Tags.Should().Contain("set-elsewhere");
        document.State.Profile.Orders.Count.Should().Be(1);
        (await engine.Store.ReadPoisonAsync(10)).Should().BeEmpty();
    }
}
