using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>What events teach the profile besides orders: activity counters, check-in streaks, fingerprints, refunds, referral links.</summary>
public class ProfileActivityTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 5, 4, 10, 0);

    [Fact]
    public void Interactions_CountedPerType_AndMoveLastActive()
    {
        var p = Project(Loyal.AppOpened("a1", T0), Loyal.AppOpened("a2", T0.AddHours(1)), Loyal.CouponRedeemed("c1", T0.AddHours(2)),
            Events.Make("m1", EventTypes.MessageClicked, T0.AddHours(3)));

        p.Activity.Counts.Should().BeEquivalentTo(new Dictionary<string, int> { ["app.opened"] = 2, ["coupon.redeemed"] = 1, ["message.clicked"] = 1 });
        p.LastActiveAt.Should().Be(T0.AddHours(3));
    }

    [Fact]
    public void CheckInStreak_AliveTodayOrYesterday_ElseZero()
    {
        var p = Project(Loyal.CheckIn("c1", T0), Loyal.CheckIn("c2", T0.AddDays(1)), Loyal.CheckIn("c3", T0.AddDays(2)));

        p.Activity.CheckInStreak.Should().Be(3);
        p.Activity.StreakAsOf(T0.AddDays(3), p.TimeZone).Should().Be(3, "she can still check in today");
        p.Activity.StreakAsOf(T0.AddDays(4), p.TimeZone).Should().Be(0);
        RfmTests.Eval("customer.activity.check_in_streak", p, T0.AddDays(2)).Should().Be("3");
        RfmTests.Eval("customer.activity.check_ins", p, T0.AddDays(2)).Should().Be("3");
    }

    [Fact]
    public void CheckInDays_AreTheCustomersLocalDays()
    {
        // 23:30 and 00:30 Shanghai time are two days, though only an hour apart.
        var p = Project(Loyal.CheckIn("c1", Clock.Shanghai(2026, 5, 4, 23, 30)), Loyal.CheckIn("c2", Clock.Shanghai(2026, 5, 5, 0, 30)));

        p.Activity.CheckIns.Keys.Should().Equal("2026-05-04", "2026-05-05");
        p.Activity.CheckInStreak.Should().Be(2);
    }

    [Fact]
    public void CheckInDays_OlderThan60DaysForgotten()
    {
        var p = Project(Loyal.CheckIn("c1", T0), Loyal.CheckIn("c2", T0.AddDays(61)));

        p.Activity.CheckIns.Keys.Should().Equal("2026-07-04");
        p.Activity.Count(EventTypes.CheckedIn).Should().Be(2);
    }

    [Fact]
    public void Fingerprints_NormalisedAndCollectedFromAnyEvent()
    {
        var p = Project(
            Loyal.AppOpened("a1", T0, deviceId: "ios-8f2a"),
            Events.Make("o1", EventTypes.OrderCompleted, T0, new JsonObject { ["orderId"] = "SO-1", ["amount"] = 10, ["paymentFingerprint"] = "wx-card-77ab", ["phone"] = "+86 138-0001-0001" }));

        p.Fingerprints.DeviceIds.Should().Equal("IOS-8F2A");
        p.Fingerprints.Phones.Should().Equal("13800010001");
        p.Fingerprints.PaymentFingerprints.Should().Equal("wx-card-77ab");
    }

    [Fact]
    public void Refunds_CountedWithTheirTime()
    {
        var p = Project(Events.Order("o1", T0, amount: 100m, orderId: "SO-1"), Events.Refund("r1", T0.AddDays(2), "SO-1", amount: 30m));

        p.Orders.Should().BeEquivalentTo(new { Count = 1, Total = 100m, Refunded = 30m, Net = 70m, Refunds = 1, LastRefundAt = T0.AddDays(2) });
    }

    [Fact]
    public void ReferralAccepted_LinksToTheReferrer_TheEarliestWins()
    {
        var p = Project(
            Events.ReferralAccepted("ref2", T0.AddDays(1), referrerId: "cust-later"),
            Events.ReferralAccepted("ref1", T0, referrerId: "cust-first"),
            Events.Order("o1", T0.AddDays(2), amount: 89m),
            Events.Refund("r1", T0.AddDays(3), "SO-o1", amount: 0m),
            Events.Refund("r2", T0.AddDays(4), "SO-o1", amount: 10m));

        p.ReferredBy.Should().BeEquivalentTo(new
        {
            ReferrerId = "cust-first",
            Code = "XM-7QK2P",
            AcceptedAt = T0,
            EventId = "ref1",
            FirstPaidOrderAt = (DateTimeOffset?)T0.AddDays(2),
            FirstRefundAt = (DateTimeOffset?)T0.AddDays(4),
        }, "a refund of ¥0 gives no money back");
    }

    [Fact]
    public void ProfileUpdated_SetsAttributesAndTags()
    {
        var p = Project(Events.ProfileUpdated("p1", T0, new JsonObject
        {
            ["birthday"] = "1990-05-20",
            ["attributes"] = new JsonObject { ["skinType"] = "dry" },
            ["tags"] = new JsonArray("vip-event-2026"),
        }));

        p.Birthday.Should().Be("1990-05-20");
        p.Attributes["skinType"].Should().Be("dry");
        p.Tags.Should().Contain("vip-event-2026");
        RfmTests.Eval("customer.is_birthday_month", p, T0).Should().Be("true");
    }

    private static CustomerProfile Project(params CustomerEvent[] events) =>
        events.Aggregate(People.LinXiao("c1"), (p, e) => ProfileProjection.Apply(p, e));
}
