using System.Collections.Immutable;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Simulation;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>
/// The decider is a pure function: the same journeys, profile and event timeline give byte-identical timelines,
/// effects and final state — whether run twice through the simulator or decided step by step.
/// </summary>
public class DeterminismPropertyTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = Start.AddDays(130);

    [Property(MaxTest = 100, Arbitrary = [typeof(TimelineArbitrary)])]
    public void Simulate_RandomTimelineOverAllBuiltInJourneys_ByteIdenticalEveryTime(Scenario scenario)
    {
        var journeys = BuiltIn.All;

        var first = Simulator.Run(journeys, scenario.Profile(), scenario.Events(Start), Until, ContactPolicy.Default);
        var second = Simulator.Run(journeys, scenario.Profile(), scenario.Events(Start), Until, ContactPolicy.Default);
        var stepwise = StepByStep(journeys, scenario.Profile(), scenario.Events(Start), Until, ContactPolicy.Default);

        var expected = Serialize.Simulation(first);
        Serialize.Simulation(second).Should().Be(expected);
        (Serialize.Effects(stepwise.Effects) + "\n" + Serialize.State(stepwise.State))
            .Should().Be(Serialize.Effects(first.Effects) + "\n" + Serialize.State(first.FinalState), "deciding step by step must give what the simulator gives");
        first.Timeline.Should().BeInAscendingOrder(t => t.Time, "the virtual clock never goes back");
    }

    [Fact]
    public void Simulate_GeneratedTimelines_ExerciseEveryBuiltInJourney()
    {
        // Guards the property above against a generator that never gets a journey going.
        var scenarios = TimelineArbitrary.Scenarios().Generator.Sample(50, new Rnd(20260302UL), 40);
        var entered = new HashSet<string>(StringComparer.Ordinal);
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scenario in scenarios)
        {
            var result = Simulator.Run(BuiltIn.All, scenario.Profile(), scenario.Events(Start), Until, ContactPolicy.Default);
            foreach (var t in result.Timeline)
            {
                kinds.Add(t.Kind);
                if (t.Kind == "entered") entered.Add(t.Journey!);
            }
        }

        entered.Should().BeEquivalentTo(BuiltIn.Names);
        kinds.Should().Contain(["sent", "deferred", "suppressed", "goal_reached", "exited", "completed", "not_entered", "event_matched", "timed_out"]);
    }

    /// <summary>The simulator's loop written out with <see cref="CustomerDecider.Decide"/> (replaying one input is covered in <see cref="DeterministicIdTests"/>).</summary>
    private static (ImmutableArray<Effect> Effects, CustomerState State) StepByStep(
        IReadOnlyList<JourneyVersion> journeys, CustomerProfile profile, IReadOnlyList<CustomerEvent> events, DateTimeOffset until, ContactPolicy policy)
    {
        var pending = events.Select((e, i) => (e, i)).OrderBy(x => x.e.Time).ThenBy(x => x.i).Select(x => x.e).ToList();
        var state = new CustomerState { Profile = profile };
        var timers = new SortedSet<(DateTimeOffset Due, string TimerId, string InstanceId)>();
        var effects = ImmutableArray.CreateBuilder<Effect>();
        var next = 0;
        while (true)
        {
            var hasTimer = timers.Count > 0 && timers.Min.Due <= until;
            var hasEvent = next < pending.Count;
            if (!hasTimer && !hasEvent) break;

            DecisionInput input;
            DateTimeOffset now;
            if (hasTimer && (!hasEvent || timers.Min.Due <= pending[next].Time))
            {
                var t = timers.Min;
                timers.Remove(t);
                (input, now) = (new TimerFired(t.TimerId, t.InstanceId, t.Due), t.Due);
            }
            else
            {
                var e = pending[next++];
                (input, now) = (new EventReceived(e), e.Time);
            }

            var decision = CustomerDecider.Decide(state, input, DecisionContext.For(now, journeys, policy));

            state = decision.State;
            effects.AddRange(decision.Effects);
            foreach (var effect in decision.Effects)
            {
                if (effect is ScheduleTimer s) timers.Add((s.DueAt, s.TimerId, s.InstanceId));
                else if (effect is CancelTimer c) timers.RemoveWhere(x => x.TimerId == c.TimerId);
            }
        }

        return (effects.ToImmutable(), state);
    }
}

/// <summary>One generated event: minutes after the start, its type and the choices that shape its data.</summary>
public sealed record EventSpec(int Minute, string Type, int Amount, int Order, int Channel, int Cycle, int Referrer)
{
    private static readonly string?[] ChannelChoices = [null, Channels.Sms, Channels.Email, Channels.AppPush, Channels.WeCom];
    private static readonly int?[] CycleChoices = [null, 7, 30, 45];
    private static readonly string?[] ReferrerChoices = ["cust-20001", "cust-20002", null, "self"];
    private static readonly int[] Amounts = [0, 45, 89, 159, 318];

    public CustomerEvent ToEvent(string id, string customerId, DateTimeOffset start)
    {
        var at = start.AddMinutes(Minute);
        var orderId = $"SO-{Order}";
        var data = Type switch
        {
            EventTypes.OrderCompleted => OrderData(orderId),
            EventTypes.OrderRefunded => new JsonObject { ["orderId"] = orderId, ["amount"] = Amounts[Amount] },
            EventTypes.Unsubscribed => ChannelChoices[Channel] is { } c ? new JsonObject { ["channel"] = c } : [],
            EventTypes.ConsentChanged => new JsonObject { ["channel"] = ChannelChoices[Channel] ?? Channels.Sms, ["granted"] = Amount % 2 == 0, ["marketing"] = Amount > 1 },
            EventTypes.ReferralAccepted => ReferrerChoices[Referrer] is { } r ? new JsonObject { ["referrerId"] = r == "self" ? customerId : r } : [],
            EventTypes.Registered or EventTypes.ProfileUpdated => Amount switch
            {
                0 => new JsonObject { ["birthday"] = "03-15" },
                1 => new JsonObject { ["birthday"] = "2000-02-29", ["locale"] = "en-US" },
                2 => new JsonObject { ["tags"] = new JsonArray("fraud-suspect") },
                3 => new JsonObject { ["timeZone"] = "America/New_York" },
                _ => [],
            },
            _ => [],
        };
        return new CustomerEvent(id, Type, customerId, at, data, "fscheck");

        JsonObject OrderData(string orderId)
        {
            var o = new JsonObject { ["orderId"] = orderId, ["amount"] = Amounts[Amount], ["currency"] = "CNY" };
            if (CycleChoices[Cycle] is { } cycle) o["items"] = new JsonArray(new JsonObject { ["sku"] = "SKU-" + Order, ["quantity"] = 1 + Order % 3, ["useCycleDays"] = cycle });
            return o;
        }
    }

    public override string ToString() => $"+{Minute / 1440}d{Minute % 1440 / 60:00}h{Minute % 60:00} {Type} a{Amount} o{Order} ch{Channel} cy{Cycle} r{Referrer}";
}

/// <summary>A customer and their event timeline over ~120 days.</summary>
public sealed record Scenario(string Locale, string TimeZone, string Tier, string? Birthday, bool[] Consents, EventSpec[] Timeline)
{
    public const string CustomerId = "cust-prop";

    public CustomerProfile Profile()
    {
        var channels = ImmutableSortedDictionary<string, ChannelConsent>.Empty;
        string[] names = [Channels.Sms, Channels.Email, Channels.AppPush, Channels.WeCom, Channels.MiniProgram];
        for (var i = 0; i < names.Length; i++)
        {
            channels = channels.SetItem(names[i], new ChannelConsent(Consents[i * 2] || Consents[i * 2 + 1], Consents[i * 2], "signup", People.ConsentGiven));
        }

        return new CustomerProfile
        {
            CustomerId = CustomerId,
            Name = Locale.StartsWith("zh", StringComparison.Ordinal) ? "林晓" : "Emily Chen",
            Email = "someone@example.com",
            Phone = "+8613800010001",
            Locale = Locale,
            TimeZone = TimeZone,
            Tier = Tier,
            Birthday = Birthday,
            Channels = channels,
        };
    }

    public IReadOnlyList<CustomerEvent> Events(DateTimeOffset start) =>
        [.. Timeline.Select((e, i) => e.ToEvent($"evt-{i:000}", CustomerId, start))];

    public override string ToString() =>
        $"{Locale} {TimeZone} {Tier} birthday={Birthday ?? "-"} consents={string.Concat(Consents.Select(c => c ? '1' : '0'))}{Environment.NewLine}  " +
        string.Join(Environment.NewLine + "  ", Timeline.Select(e => e.ToString()));
}

public static class TimelineArbitrary
{
    private const int Days = 120;

    private static readonly string[] Types =
    [
        EventTypes.Registered, EventTypes.ProfileUpdated, EventTypes.Unsubscribed, EventTypes.ConsentChanged, EventTypes.AppOpened,
        EventTypes.ReferralAccepted, EventTypes.ReferralAccepted,
        EventTypes.OrderCompleted, EventTypes.OrderCompleted, EventTypes.OrderCompleted, EventTypes.OrderCompleted,
        EventTypes.OrderRefunded, EventTypes.OrderRefunded,
    ];

    private static readonly Gen<EventSpec> Event =
        from minute in Gen.Choose(0, Days * 24 * 60)
        from type in Gen.Elements(Types)
        from amount in Gen.Choose(0, 4)
        from order in Gen.Choose(0, 3)
        from channel in Gen.Choose(0, 4)
        from cycle in Gen.Choose(0, 3)
        from referrer in Gen.Choose(0, 3)
        select new EventSpec(minute, type, amount, order, channel, cycle, referrer);

    private static readonly Gen<Scenario> Scenario =
        from locale in Gen.Elements("zh-CN", "en-US", "en", "zh-TW", "fr-FR")
        from zone in Gen.Elements("Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Sydney", "America/Los_Angeles", "Asia/Kolkata")
        from tier in Gen.Elements("member", "gold")
        from birthday in Gen.Elements<string?>(null, "03-15", "1990-02-29", "12-31", "2001-07-04")
        from consents in Gen.ArrayOf(Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false))), 10)
        from count in Gen.Choose(0, 16)
        from timeline in Gen.ArrayOf(Event, count)
        select new Scenario(locale, zone, tier, birthday, consents, timeline);

    public static Arbitrary<Scenario> Scenarios() => Arb.From(Scenario);
}
