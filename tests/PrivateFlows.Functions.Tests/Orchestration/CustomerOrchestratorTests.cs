using System.Globalization;
using PrivateFlows.Durable.Orchestration;
using PrivateFlows.Functions.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Simulation;

namespace PrivateFlows.Functions.Tests.Orchestration;

/// <summary>The customer orchestration in the in-process Durable Task host, through the Functions app's shells.</summary>
public sealed class CustomerOrchestratorTests
{
    /// <summary>Monday 2 March 2026 10:00 in Shanghai.</summary>
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    /// <summary>One journey day passes in a quarter of a real second.</summary>
    private static JourneyClock Fast() => JourneyClock.Scaled(Start, DateTime.UtcNow, 86_400 / 0.25);

    [Fact]
    public async Task A_new_member_goes_through_onboarding_as_the_simulator_says_with_days_passing_on_durable_timers()
    {
        await using var durable = await DurableJourneys.StartAsync(Fast());
        var signUp = Events.Registered("c1", Start);

        (await durable.SendAsync(signUp)).Should().Be(Durable.Ingress.Handover.Started);
        var until = Start + TimeSpan.FromDays(4);
        await durable.SettledAsync("c1", 1, TimeSpan.FromSeconds(60), s => s.NextDue is null || s.NextDue > until);

        var simulated = Simulator.Run(Journeys(durable), new CustomerProfile { CustomerId = "c1" }, [signUp], until);
        var expected = simulated.Timeline.Where(t => t.Kind != "event").Select(Line).ToList();
        var actual = durable.ReadModel.History("c1", until).Select(h => Line(Simulator.ToTimeline(h))).ToList();
        actual.Should().Equal(expected);
        actual.Should().Contain(l => l.Contains(" sent onboarding ", StringComparison.Ordinal) && l.Contains("welcome", StringComparison.Ordinal));
        actual.Should().Contain(l => l.Contains(" waited onboarding ", StringComparison.Ordinal), "a one-day wait passed on a durable timer");
        durable.ReadModel.Messages("c1", until).Select(m => m.EffectId).Should().BeEquivalentTo(simulated.Effects.OfType<SendMessage>().Select(s => s.EffectId));
    }

    [Fact]
    public async Task A_repeated_event_id_changes_nothing()
    {
        await using var durable = await DurableJourneys.StartAsync(Fast());
        var signUp = Events.Registered("c2", Start);
        await durable.SendAsync(signUp);
        await durable.SettledAsync("c2", 1);
        var before = durable.ReadModel.Writes;
        var history = durable.ReadModel.History("c2");

        (await durable.SendAsync(signUp with { Time = Start + TimeSpan.FromMinutes(1) })).Should().Be(Durable.Ingress.Handover.Raised);
        await durable.SendAsync(Events.AppOpened("c2", Start + TimeSpan.FromMinutes(2), "open-1"));
        var status = await durable.SettledAsync("c2", 2);

        status.EventsDecided.Should().Be(2, "the repeated sign-up was not decided again");
        durable.ReadModel.History("c2").Should().StartWith(history);
        durable.ReadModel.History("c2").Count(h => h.Kind == HistoryKind.Entered).Should().Be(1);
        (durable.ReadModel.Writes - before).Should().Be(1, "only the app.opened step was written");
    }

    /// <summary>Events are delivered while the orchestration waits (the test host loses events in flight over a ContinueAsNew: <see cref="TestHostCarryoverTests"/>).</summary>
    [Fact]
    public async Task Continue_as_new_carries_the_state_to_the_next_generation()
    {
        await using var durable = await DurableJourneys.StartAsync(JourneyClock.RealTime, maxDecisions: 2);
        var now = DateTimeOffset.UtcNow;
        await durable.SendAsync(Events.Registered("c3", now));
        await durable.SettledAsync("c3", 1);
        for (var i = 0; i < 9; i++)
        {
            await durable.SendAsync(Events.AppOpened("c3", now, $"open-{i.ToString(CultureInfo.InvariantCulture)}"));
            await durable.SettledAsync("c3", i + 2);
        }

        var status = await durable.SettledAsync("c3", 10);

        status.EventsDecided.Should().Be(10);
        var metadata = await durable.Client.GetInstanceAsync(CustomerInstances.InstanceId("c3"), getInputsAndOutputs: true);
        var generation = Runtime.Serialization.RuntimeJson.Deserialize<CustomerJourneys>(metadata!.ReadInputAs<string>()!);
        generation.Decisions.Should().BeGreaterThanOrEqualTo(2, "the running generation started from a ContinueAsNew that carried the count");
        generation.State.Profile.CustomerId.Should().Be("c3");
        durable.ReadModel.Document("c3")!.State.Profile.Activity.Count(EventTypes.AppOpened).Should().Be(9, "every event of every generation reached the state");
    }

    private static List<Workflows.Language.JourneyVersion> Journeys(DurableJourneys durable) => [.. durable.Journeys.Latest.Select(v => durable.Journeys.Find(v)!)];

    private static string Line(TimelineEntry t) => $"{t.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)} {t.Kind} {t.Journey} {t.InstanceId} {t.Step ?? "-"} | {t.Detail}";
}
