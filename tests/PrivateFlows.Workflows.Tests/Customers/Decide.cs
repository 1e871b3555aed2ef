using System.Collections.Immutable;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>Feeds inputs to <see cref="CustomerDecider.Decide"/> one by one, the way the runtime does, and keeps state and effects.</summary>
internal sealed class Decide
{
    public Decide(CustomerProfile? profile = null, CustomerProgram? program = null, IEnumerable<JourneyVersion>? journeys = null)
    {
        State = new CustomerState { Profile = profile ?? People.LinXiao("c1") };
        Program = program ?? CustomerProgram.Default;
        Journeys = journeys?.ToImmutableArray() ?? [];
    }

    public CustomerState State { get; private set; }
    public CustomerProgram Program { get; set; }
    public ImmutableArray<JourneyVersion> Journeys { get; }
    public ImmutableDictionary<string, Referrals.ReferrerFacts> Referrers { get; set; } = ImmutableDictionary<string, Referrals.ReferrerFacts>.Empty;
    public List<Effect> Effects { get; } = [];
    public CustomerProfile Profile => State.Profile;

    /// <summary>Decides the event at <paramref name="now"/> (default: the event's own time).</summary>
    public Decision Event(CustomerEvent e, DateTimeOffset? now = null) => Input(new EventReceived(e), now ?? e.Time);

    public Decide Events(IEnumerable<CustomerEvent> events, DateTimeOffset? now = null)
    {
        foreach (var e in events) Event(e, now);
        return this;
    }

    /// <summary>Fires the loyalty timer (or any timer) at <paramref name="at"/>.</summary>
    public Decision Timer(DateTimeOffset at, string instanceId = LoyaltyTimer.InstanceId, string? timerId = null) =>
        Input(new TimerFired(timerId ?? LoyaltyTimer.TimerId(State.CustomerId, at), instanceId, at), at);

    public Decision Input(DecisionInput input, DateTimeOffset now)
    {
        var context = DecisionContext.For(now, Journeys, ContactPolicy.Unlimited, Program) with { Referrers = Referrers };
        var decision = CustomerDecider.Decide(State, input, context);
        State = decision.State;
        Effects.AddRange(decision.Effects);
        return decision;
    }

    public IReadOnlyList<PointsLedgerEntry> Ledger => [.. Effects.OfType<RecordPoints>().Select(r => r.Entry)];

    public IReadOnlyList<T> Of<T>() where T : Effect => [.. Effects.OfType<T>()];
}

/// <summary>Events of the loyalty program, beyond the journey events of <see cref="Support.Events"/>.</summary>
internal static class Loyal
{
    public static CustomerEvent CheckIn(string id, DateTimeOffset at, string customerId = "c1") =>
        Support.Events.Make(id, EventTypes.CheckedIn, at, null, customerId);

    public static CustomerEvent AppOpened(string id, DateTimeOffset at, string? deviceId = null) =>
        Support.Events.Make(id, EventTypes.AppOpened, at, deviceId is null ? null : new JsonObject { ["deviceId"] = deviceId });

    public static CustomerEvent CouponRedeemed(string id, DateTimeOffset at) => Support.Events.Make(id, EventTypes.CouponRedeemed, at);

    public static CustomerEvent Redeemed(string id, DateTimeOffset at, long points) =>
        Support.Events.Make(id, EventTypes.PointsRedeemed, at, new JsonObject { ["points"] = points, ["reason"] = "兑换礼品" });

    public static CustomerEvent Awarded(string id, DateTimeOffset at, long points, string? entryId = null)
    {
        var data = new JsonObject { ["points"] = points, ["reason"] = "客服补偿" };
        if (entryId is not null) data["entryId"] = entryId;
        return Support.Events.Make(id, EventTypes.PointsAwarded, at, data);
    }

    /// <summary>A refund with no amount (the whole order).</summary>
    public static CustomerEvent FullRefund(string id, DateTimeOffset at, string orderId) =>
        Support.Events.Make(id, EventTypes.OrderRefunded, at, new JsonObject { ["orderId"] = orderId });
}
