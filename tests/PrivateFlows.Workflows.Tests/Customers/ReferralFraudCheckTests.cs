using System.Collections.Immutable;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Customers;

/// <summary>Each anti-fraud rule on its own, then through the referral-reward journey with facts the runtime supplies.</summary>
public class ReferralFraudCheckTests
{
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 5, 10, 9, 12);
    private const string Referrer = "cust-20001";

    private static readonly CustomerProfile Referee = People.LinXiao("c1") with
    {
        Phone = "+8613900020002",
        Fingerprints = new Fingerprints().With("android-5511", null, "alipay-9c3e"),
    };

    private static readonly ReferrerFacts Clean = new(Referrer)
    {
        DeviceIds = ["IOS-0001"],
        Phones = ["13700030003"],
        PaymentFingerprints = ["wx-card-1234"],
    };

    private static CustomerEvent Accepted(string? referrerId = Referrer, JsonObject? extra = null)
    {
        var e = Events.ReferralAccepted("ref1", T0, referrerId);
        foreach (var (k, v) in extra ?? []) e.Data[k] = v?.DeepClone();
        return e;
    }

    private static ImmutableArray<string> Codes(CustomerProfile referee, CustomerEvent referral, ReferrerFacts? facts, ReferralRules? rules = null) =>
        [.. ReferralFraudCheck.Check(referee, referral, facts, rules).Select(h => h.Code)];

    [Fact]
    public void CleanReferral_NoHold()
    {
        ReferralFraudCheck.Check(Referee, Accepted(), Clean).Should().BeEmpty();
    }

    [Fact]
    public void NoReferrer_Held()
    {
        ReferralFraudCheck.Check(Referee, Accepted(referrerId: null), null).Should().ContainSingle()
            .Which.Should().Be(new ReferralHold(ReferralHold.NoReferrer, "the referral names no referrer"));
    }

    [Fact]
    public void SelfReferral_ById_Held()
    {
        ReferralFraudCheck.Check(Referee, Accepted(referrerId: "c1"), null).Should().ContainSingle()
            .Which.Should().Be(new ReferralHold(ReferralHold.SelfReferral, "self-referral"));
    }

    [Fact]
    public void SelfReferral_WithTheirOwnCode_Held()
    {
        var ownCode = ReferralCodes.For("c1").ToLowerInvariant().Insert(4, "-");

        var holds = ReferralFraudCheck.Check(Referee, Accepted(extra: new JsonObject { ["referralCode"] = ownCode }), Clean);

        holds.Should().ContainSingle().Which.Reason.Should().Be($"self-referral: the code {ownCode} is the referee's own");
    }

    [Fact]
    public void SharedDevice_CaseInsensitive_Held()
    {
        var facts = Clean with { DeviceIds = ["Android-5511"] };

        var hold = ReferralFraudCheck.Check(Referee, Accepted(), facts).Should().ContainSingle().Subject;

        hold.Should().Be(new ReferralHold(ReferralHold.SharedDevice, "referee and referrer share a device (ANDROID-5511)"));
    }

    [Fact]
    public void SharedDevice_SeenOnlyOnTheReferralEvent_Held()
    {
        var facts = Clean with { DeviceIds = ["IPAD-77"] };

        Codes(People.LinXiao("c1"), Accepted(extra: new JsonObject { ["deviceId"] = "ipad-77" }), facts).Should().Equal(ReferralHold.SharedDevice);
    }

    [Fact]
    public void SharedPhone_AnyFormat_HeldAndMasked()
    {
        var facts = Clean with { Phones = ["+86 139 0002 0002"] };

        var hold = ReferralFraudCheck.Check(Referee, Accepted(), facts).Should().ContainSingle().Subject;

        hold.Should().Be(new ReferralHold(ReferralHold.SharedPhone, "referee and referrer share a phone (****0002)"));
    }

    [Fact]
    public void SharedPaymentFingerprint_Held()
    {
        var facts = Clean with { PaymentFingerprints = ["alipay-9c3e", "wx-card-1234"] };

        var hold = ReferralFraudCheck.Check(Referee, Accepted(), facts).Should().ContainSingle().Subject;

        hold.Should().Be(new ReferralHold(ReferralHold.SharedPayment, "referee and referrer share a payment fingerprint (****9c3e)"));
    }

    [Fact]
    public void Velocity_FiveADayIsFine_TheSixthHoldsTheDay()
    {
        ImmutableArray<AcceptedReferral> Others(int count) =>
            [.. Enumerable.Range(1, count).Select(i => new AcceptedReferral($"friend-{i}", Clock.Shanghai(2026, 5, 10, 8 + i, 0)))];

        Codes(Referee, Accepted(), Clean with { Referrals = Others(4) }).Should().BeEmpty("5 referrals that day, counting this one");
        var holds = ReferralFraudCheck.Check(Referee, Accepted(), Clean with { Referrals = Others(5) });

        holds.Should().ContainSingle().Which.Should().Be(new ReferralHold(ReferralHold.ReferrerVelocity, "referrer cust-20001 had 6 referrals accepted on 2026-05-10 (more than 5 a day)"));
    }

    [Fact]
    public void Velocity_CountsLocalDaysAndEachRefereeOnce()
    {
        ImmutableArray<AcceptedReferral> referrals =
        [
            new("friend-1", Clock.Shanghai(2026, 5, 9, 23, 59)),   // the day before
            new("friend-2", Clock.Shanghai(2026, 5, 11, 0, 0)),    // the day after
            new("friend-3", Clock.Shanghai(2026, 5, 10, 10, 0)),
            new("friend-3", Clock.Shanghai(2026, 5, 10, 11, 0)),   // same referee reported twice
            new("c1", T0),                                         // this referral itself
        ];

        Codes(Referee, Accepted(), Clean with { Referrals = referrals }, new ReferralRules { MaxReferralsPerReferrerPerDay = 2 }).Should().BeEmpty();
        Codes(Referee, Accepted(), Clean with { Referrals = referrals }, new ReferralRules { MaxReferralsPerReferrerPerDay = 1 }).Should().Equal(ReferralHold.ReferrerVelocity);
    }

    [Fact]
    public void RefereeRefund_WithinSevenDaysOfTheFirstPaidOrder_Held()
    {
        var referee = Referee with
        {
            ReferredBy = new ReferredBy { ReferrerId = Referrer, AcceptedAt = T0, EventId = "ref1", FirstPaidOrderAt = T0.AddDays(2), FirstRefundAt = T0.AddDays(9) },
        };

        var hold = ReferralFraudCheck.Check(referee, Accepted(), Clean).Should().ContainSingle().Subject;

        hold.Code.Should().Be(ReferralHold.RefereeRefunded);
        hold.Reason.Should().Be("the referee asked for a refund on 2026-05-19T01:12:00Z, within 7 days of their first paid order");
    }

    [Fact]
    public void RefereeRefund_AfterTheHoldWindow_NotHeld()
    {
        var referee = Referee with
        {
            ReferredBy = new ReferredBy { ReferrerId = Referrer, AcceptedAt = T0, EventId = "ref1", FirstPaidOrderAt = T0.AddDays(2), FirstRefundAt = T0.AddDays(9).AddTicks(1) },
        };

        ReferralFraudCheck.Check(referee, Accepted(), Clean).Should().BeEmpty();
    }

    [Fact]
    public void UnknownReferrer_PaidByDefault_HeldWhenConfigured()
    {
        ReferralFraudCheck.Check(Referee, Accepted(), null).Should().BeEmpty();
        Codes(Referee, Accepted(), null, new ReferralRules { HoldWhenReferrerUnknown = true }).Should().Equal(ReferralHold.ReferrerUnknown);
    }

    [Fact]
    public void SeveralRules_AllReasonsListed()
    {
        var facts = Clean with { DeviceIds = ["ANDROID-5511"], Phones = ["13900020002"] };

        Codes(Referee, Accepted(), facts).Should().Equal(ReferralHold.SharedDevice, ReferralHold.SharedPhone);
    }

    [Fact]
    public void ReferralCodes_StableShortAndReadable()
    {
        var code = ReferralCodes.For("cust-10001");

        code.Should().HaveLength(8).And.MatchRegex("^[0-9A-HJKMNP-TV-Z]{8}$").And.Be(ReferralCodes.For("cust-10001"));
        ReferralCodes.For("cust-10002").Should().NotBe(code);
        ReferralCodes.Normalize(code.ToLowerInvariant().Insert(4, "-")).Should().Be(code);
        ReferralCodes.Link("https://m.xiaoman.example/invite", "cust-10001").Should().Be($"https://m.xiaoman.example/invite?ref={code}");
        RfmTests.Eval("customer.referral_code", People.LinXiao("cust-10001"), T0).Should().Be(code);
    }

    // ── Through the referral-reward journey ──────────────────────────────

    private static readonly CustomerEvent FirstOrder = Events.Order("o1", T0.AddDays(2), amount: 89m, orderId: "SO-1");

    private static Decide Journey(ReferrerFacts? facts)
    {
        var run = new Decide(Referee with { Fingerprints = new Fingerprints() }, journeys: [BuiltIn.Journey(BuiltIn.ReferralReward)]);
        if (facts is not null) run.Referrers = ImmutableDictionary<string, ReferrerFacts>.Empty.Add(Referrer, facts);
        run.Event(Accepted(extra: new JsonObject { ["deviceId"] = "android-5511" }));
        run.Event(FirstOrder);
        // The refund window times out 7 days after the first order.
        var waiting = run.State.Instances.Single().Waiting!;
        run.Timer(waiting.Until!.Value, run.State.Instances.Single().InstanceId, waiting.TimerId);
        return run;
    }

    [Fact]
    public void Journey_SharedDevice_RewardHeld_NoThankYou_NoRefereePoints()
    {
        var run = Journey(Clean with { DeviceIds = ["ANDROID-5511"] });

        var reward = run.Of<RewardReferral>().Should().ContainSingle().Subject;
        reward.Held.Should().BeTrue();
        reward.HoldCodes.Should().Equal(ReferralHold.SharedDevice);
        reward.HoldReason.Should().Be("referee and referrer share a device (ANDROID-5511)");
        run.Of<SendMessage>().Select(s => s.StepId).Should().Equal("invite-welcome");
        run.Profile.Points.Should().Be(89, "only the order's points; the referral reward waits for review");
        run.Profile.ReferredBy!.Reward.Should().BeEquivalentTo(new { RewardId = reward.EffectId, Status = ReferralRewardStatus.Held, ReferrerId = Referrer });
    }

    [Fact]
    public void Journey_CleanReferral_PaidWithExpiringRefereePoints()
    {
        var run = Journey(Clean);

        var reward = run.Of<RewardReferral>().Should().ContainSingle().Subject;
        reward.Should().BeEquivalentTo(new { Held = false, HoldReason = (string?)null, RefereePoints = 200L, ReferrerPoints = 500L });
        reward.RefereeExpiresAt.Should().Be(Clock.Shanghai(2028, 1, 1, 0, 0));
        run.Profile.Points.Should().Be(89 + 200);
        run.Profile.Loyalty.Lots.Select(l => l.EntryId).Should().Contain($"{reward.EffectId}/referee");
        run.Of<SendMessage>().Select(s => s.StepId).Should().Equal("invite-welcome", "thank-you");
    }

    [Fact]
    public void Approve_HeldReward_PaidAsASecondRewardAndOnTheBalance()
    {
        var run = Journey(Clean with { DeviceIds = ["ANDROID-5511"] });
        var held = run.Of<RewardReferral>().Single();

        var decision = run.Event(Events.Make("ok1", EventTypes.ReferralRewardApproved, T0.AddDays(12), new JsonObject { ["rewardId"] = held.EffectId, ["reason"] = "同住家人，核实无误" }));

        var paid = decision.Effects.OfType<RewardReferral>().Should().ContainSingle().Subject;
        paid.Should().BeEquivalentTo(new { EffectId = $"{held.EffectId}/approved", Held = false, ReferrerId = Referrer, ReferrerPoints = 500L, RefereePoints = 200L, held.InstanceId });
        run.Profile.Points.Should().Be(89 + 200);
        run.Profile.ReferredBy!.Reward!.Status.Should().Be(ReferralRewardStatus.Approved);
        run.Event(Events.Make("ok2", EventTypes.ReferralRewardApproved, T0.AddDays(13))).Effects.OfType<RewardReferral>().Should().BeEmpty("approved once");
    }

    [Fact]
    public void ReferrerCredit_PaidReward_CreditsTheReferrersOwnAccountOnceWhenReplayed()
    {
        var reward = Journey(Clean).Of<RewardReferral>().Single();
        var credit = ReferrerCredit.For(reward, T0.AddYears(5))!;
        credit.Should().BeEquivalentTo(new { Id = $"{reward.EffectId}/referrer", Type = EventTypes.PointsAwarded, Subject = Referrer, Time = reward.At!.Value });
        var referrer = new Decide(People.EmilyChen(Referrer));

        var first = referrer.Event(credit, credit.Time.AddSeconds(1));
        var redelivered = referrer.Event(credit, credit.Time.AddMinutes(5));
        var copy = referrer.Event(credit with { Id = "copy-of-the-credit" }, credit.Time.AddMinutes(6));

        first.Effects.OfType<RecordPoints>().Should().ContainSingle().Which.Entry.Should().BeEquivalentTo(new
        {
            EntryId = $"{reward.EffectId}/referrer",
            CustomerId = Referrer,
            Points = 500L,
            Rule = PointsRules.ReferralReferrer,
            Reason = "referral reward for referring c1",
        });
        redelivered.Effects.OfType<RecordPoints>().Should().BeEmpty("the ledger entry id was posted already");
        copy.Effects.OfType<RecordPoints>().Should().BeEmpty("the entry id, not the event id, keys the credit");
        referrer.Profile.Points.Should().Be(500);
        referrer.Ledger.Sum(e => e.Points).Should().Be(referrer.Profile.Points);
    }

    [Fact]
    public void ReferrerCredit_HeldReward_NothingUntilApprovedThenOnce()
    {
        var run = Journey(Clean with { DeviceIds = ["ANDROID-5511"] });
        var held = run.Of<RewardReferral>().Single();
        ReferrerCredit.For(held, T0).Should().BeNull("a held reward credits the referrer only once ops approve it");

        var approved = run.Event(Events.Make("ok1", EventTypes.ReferralRewardApproved, T0.AddDays(12), new JsonObject { ["rewardId"] = held.EffectId })).Effects.OfType<RewardReferral>().Single();
        run.Event(Events.Make("ok2", EventTypes.ReferralRewardApproved, T0.AddDays(12).AddMinutes(1), new JsonObject { ["rewardId"] = held.EffectId })).Effects.OfType<RewardReferral>().Should().BeEmpty();
        var credit = ReferrerCredit.For(approved, T0)!;
        var referrer = new Decide(People.EmilyChen(Referrer));
        referrer.Event(credit);
        referrer.Event(credit);

        credit.Id.Should().Be($"{held.EffectId}/approved/referrer");
        credit.Time.Should().Be(T0.AddDays(12), "the approval's decision time");
        referrer.Ledger.Should().ContainSingle().Which.Should().BeEquivalentTo(new { EntryId = $"{held.EffectId}/approved/referrer", Points = 500L, Rule = PointsRules.ReferralReferrer });
        referrer.Profile.Points.Should().Be(500);
    }

    [Fact]
    public void Reject_HeldReward_NothingPaid()
    {
        var run = Journey(Clean with { DeviceIds = ["ANDROID-5511"] });

        var decision = run.Event(Events.Make("no1", EventTypes.ReferralRewardRejected, T0.AddDays(12), new JsonObject { ["reason"] = "同一设备" }));

        decision.Effects.OfType<RewardReferral>().Should().BeEmpty();
        run.Profile.ReferredBy!.Reward.Should().BeEquivalentTo(new { Status = ReferralRewardStatus.Rejected, Note = "同一设备" });
        run.Profile.Points.Should().Be(89);
    }
}
