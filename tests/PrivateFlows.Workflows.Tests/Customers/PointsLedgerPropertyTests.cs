using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>
/// The points ledger is exactly-once and order-independent: whatever order the same events arrive in, and however
/// often some are replayed, the balance, the points per rule and the ledger add up to the same numbers.
/// </summary>
public class PointsLedgerPropertyTests
{
    [Property(MaxTest = 200, Arbitrary = [typeof(LedgerArbitrary)])]
    public void Decide_AnyReorderingAndReplayOfTheSameEvents_SameBalance(LedgerScenario scenario)
    {
        var inOrder = Run(scenario.InTimeOrder());
        var shuffled = Run(scenario.Arrivals());

        ByRule(shuffled).Should().BeEquivalentTo(ByRule(inOrder), scenario.ToString());
        shuffled.Profile.Points.Should().Be(inOrder.Profile.Points, scenario.ToString());
        foreach (var run in new[] { inOrder, shuffled })
        {
            run.Ledger.Select(e => e.EntryId).Should().OnlyHaveUniqueItems("an entry id is written once");
            run.Ledger.Sum(e => e.Points).Should().Be(run.Profile.Points, "the balance is the sum of the ledger");
        }
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(LedgerArbitrary)])]
    public void Decide_EveryEventDecidedTwice_SameAsOnce(LedgerScenario scenario)
    {
        var once = Run(scenario.InTimeOrder());
        var twice = Run(scenario.InTimeOrder().SelectMany(e => new[] { e, e }));

        twice.Profile.Points.Should().Be(once.Profile.Points);
        twice.Ledger.Should().BeEquivalentTo(once.Ledger, o => o.WithStrictOrdering());
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(LedgerArbitrary)])]
    public void PointsExpiry_AnyOrderOfTheLedger_SameExpiries(LedgerScenario scenario)
    {
        var program = CustomerProgram.Default with { Loyalty = LoyaltyProgram.Default with { Expiry = PointsExpiryPolicy.AfterDays(10) } };
        var run = new Decide(LedgerScenario.Profile(), program).Events(scenario.InTimeOrder(), LedgerScenario.Now.AddDays(-30));
        var ledger = run.Ledger.Where(e => e.Rule != PointsRules.Expire).ToList();
        var later = LedgerScenario.Now.AddDays(60);

        var expected = PointsExpiry.Due(ledger, later);
        PointsExpiry.Due(Enumerable.Reverse(ledger), later).Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
        PointsExpiry.Due([.. ledger, .. ledger], later).Should().BeEquivalentTo(expected, o => o.WithStrictOrdering(), "an entry id counts once");
        PointsLedger.Balance([.. ledger, .. expected]).Should().BeGreaterThanOrEqualTo(Math.Min(0, PointsLedger.Balance(ledger)), "expiry never takes more than was left");
    }

    private static Decide Run(IEnumerable<CustomerEvent> arrivals) =>
        new Decide(LedgerScenario.Profile()).Events(arrivals, LedgerScenario.Now);

    private static Dictionary<string, long> ByRule(Decide run) =>
        run.Ledger.GroupBy(e => e.Rule).ToDictionary(g => g.Key, g => g.Sum(e => e.Points));
}

/// <summary>One generated loyalty event: kind, day and hour after the start, which order, which amount.</summary>
public sealed record LedgerSpec(int Kind, int Day, int Hour, int Order, int Amount)
{
    private static readonly decimal[] Amounts = [0m, 39.9m, 89m, 159m, 1288m];

    public CustomerEvent ToEvent(string id)
    {
        var at = LedgerScenario.Start.AddDays(Day).AddHours(Hour);
        var orderId = $"SO-{Order}";
        return Kind switch
        {
            0 or 1 => Support.Events.Make(id, EventTypes.OrderCompleted, at, new JsonObject { ["orderId"] = $"{orderId}-{id}", ["amount"] = Amounts[Amount] }),
            2 => Support.Events.Make(id, EventTypes.OrderRefunded, at, Amount == 0
                ? new JsonObject { ["orderId"] = RefundTarget }
                : new JsonObject { ["orderId"] = RefundTarget, ["amount"] = Amounts[Amount] / 2 }),
            3 or 4 => Loyal.CheckIn(id, at),
            5 => Loyal.AppOpened(id, at),
            6 => Loyal.CouponRedeemed(id, at),
            7 => Loyal.Redeemed(id, at, 100 * (Amount + 1)),
            _ => Loyal.Awarded(id, at, 10 * (Amount + 1)),
        };
    }

    /// <summary>Refunds target orders placed by the scenario (see <see cref="LedgerScenario"/>), so claw-backs happen.</summary>
    public string RefundTarget { get; init; } = "SO-none";

    public override string ToString() => $"+{Day}d{Hour:00}h kind{Kind} o{Order} a{Amount}";
}

/// <summary>A set of distinct events, the order they arrive in and which of them are replayed.</summary>
public sealed record LedgerScenario(LedgerSpec[] Specs, int[] Arrival, int[] Replays)
{
    public static readonly DateTimeOffset Start = Clock.Shanghai(2026, 3, 20, 0, 0);
    /// <summary>Every event is decided at this time: within the late limits of all of them.</summary>
    public static readonly DateTimeOffset Now = Start.AddDays(25);

    public static CustomerProfile Profile() => People.LinXiao("c1") with { Birthday = "1992-04-02" }; // spans March and the birthday month April

    public IReadOnlyList<CustomerEvent> Distinct()
    {
        var events = new List<CustomerEvent>();
        for (var i = 0; i < Specs.Length; i++)
        {
            var spec = Specs[i];
            // A refund names an earlier-generated order of the scenario when there is one.
            var orders = events.Where(e => e.Type == EventTypes.OrderCompleted).ToList();
            if (spec.Kind == 2 && orders.Count > 0) spec = spec with { RefundTarget = orders[spec.Order % orders.Count].DataString("orderId")! };
            events.Add(spec.ToEvent($"evt-{i:000}"));
        }

        return events;
    }

    public IEnumerable<CustomerEvent> InTimeOrder() => Distinct().OrderBy(e => e.Time).ThenBy(e => e.Id, StringComparer.Ordinal);

    public IEnumerable<CustomerEvent> Arrivals()
    {
        var events = Distinct();
        var arrivals = Arrival.Select(i => events[i]).ToList();
        foreach (var r in Replays) arrivals.Insert(r % (arrivals.Count + 1), events[r % events.Count]);
        return arrivals;
    }

    public override string ToString() =>
        $"arrival [{string.Join(",", Arrival)}] replays [{string.Join(",", Replays)}]{Environment.NewLine}  " +
        string.Join(Environment.NewLine + "  ", Specs.Select((s, i) => $"evt-{i:000} {s}"));
}

public static class LedgerArbitrary
{
    private static readonly Gen<LedgerSpec> Spec =
        from kind in Gen.Choose(0, 8)
        from day in Gen.Choose(0, 20)
        from hour in Gen.Choose(7, 23)
        from order in Gen.Choose(0, 4)
        from amount in Gen.Choose(0, 4)
        select new LedgerSpec(kind, day, hour, order, amount);

    private static readonly Gen<LedgerScenario> Scenario =
        from count in Gen.Choose(1, 40)
        from specs in Gen.ArrayOf(Spec, count)
        from arrival in Gen.Shuffle(Enumerable.Range(0, count).ToArray())
        from replayCount in Gen.Choose(0, 8)
        from replays in Gen.ArrayOf(Gen.Choose(0, 1000), replayCount)
        select new LedgerScenario(specs, arrival, replays);

    public static Arbitrary<LedgerScenario> Scenarios() => Arb.From(Scenario);
}
