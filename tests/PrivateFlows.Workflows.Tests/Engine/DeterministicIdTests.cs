using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>Ids come from what happened (customer + journey + entry event + step), so a replay yields the same idempotency keys; stale timers do nothing.</summary>
public class DeterministicIdTests
{
    private static readonly JourneyVersion Onboarding = BuiltIn.Journey(BuiltIn.Onboarding);
    private static readonly DateTimeOffset T0 = Clock.Shanghai(2026, 3, 2, 10, 0);

    private static DecisionContext At(DateTimeOffset now) => DecisionContext.For(now, [Onboarding]);

    private static CustomerState Fresh() => new() { Profile = People.LinXiao("c1") };

    private static Decision Enter(CustomerState state) => CustomerDecider.Decide(state, new EventReceived(Events.Registered("r1", T0)), At(T0));

    [Fact]
    public void Decide_SameInputOnSameState_IdenticalEffectIds()
    {
        var first = Enter(Fresh());
        var second = Enter(Fresh());

        first.Effects.Should().NotBeEmpty();
        second.Effects.Select(e => e.EffectId).Should().Equal(first.Effects.Select(e => e.EffectId));
        Serialize.Decision(second).Should().Be(Serialize.Decision(first));
    }

    [Fact]
    public void Decide_TimerReplayedOnTheSameState_IdenticalEffects()
    {
        var entered = Enter(Fresh());
        var timer = entered.Effects.OfType<ScheduleTimer>().Single();
        var fired = new TimerFired(timer.TimerId, timer.InstanceId, timer.DueAt);

        var first = CustomerDecider.Decide(entered.State, fired, At(timer.DueAt));
        var replay = CustomerDecider.Decide(entered.State, fired, At(timer.DueAt));

        first.Effects.OfType<SendMessage>().Should().ContainSingle(s => s.StepId == "coupon-sms");
        Serialize.Decision(replay).Should().Be(Serialize.Decision(first));
    }

    [Fact]
    public void Decide_Ids_DerivedFromCustomerJourneyEntryEventAndStep()
    {
        var decision = Enter(Fresh());

        var instanceId = DeterministicIds.Instance("c1", BuiltIn.Onboarding, "r1");
        instanceId.Should().MatchRegex("^onboarding-[0-9a-f]{16}$");
        decision.State.Instances.Single().InstanceId.Should().Be(instanceId);
        decision.Effects.Should().OnlyContain(e => e.EffectId.StartsWith(instanceId + "/", StringComparison.Ordinal));
        decision.Effects.Select(e => e.EffectId).Should().OnlyHaveUniqueItems();
        decision.Effects.OfType<SendMessage>().Single().EffectId.Should().Be($"{instanceId}/1/send");
        decision.Effects.OfType<ScheduleTimer>().Single().TimerId.Should().Be($"{instanceId}/2/timer");
    }

    [Fact]
    public void Decide_OtherEntryEventOrCustomer_OtherInstanceId()
    {
        var a = DeterministicIds.Instance("c1", BuiltIn.Onboarding, "r1");

        DeterministicIds.Instance("c1", BuiltIn.Onboarding, "r2").Should().NotBe(a);
        DeterministicIds.Instance("c2", BuiltIn.Onboarding, "r1").Should().NotBe(a);
        DeterministicIds.Instance("c1", BuiltIn.WinBack, "r1").Should().NotBe(a);
    }

    [Fact]
    public void Decide_DuplicateEntryEvent_DoesNotStartASecondInstance()
    {
        var entered = Enter(Fresh());

        var again = CustomerDecider.Decide(entered.State, new EventReceived(Events.Registered("r1", T0)), At(T0));

        again.State.Instances.Should().ContainSingle();
        again.Effects.Should().BeEmpty();
    }

    [Fact]
    public void Decide_StaleTimerAfterTheInstanceMovedOn_IgnoredWithNoEffects()
    {
        var entered = Enter(Fresh());
        var timer = entered.Effects.OfType<ScheduleTimer>().Single();
        var moved = CustomerDecider.Decide(entered.State, new TimerFired(timer.TimerId, timer.InstanceId, timer.DueAt), At(timer.DueAt));
        moved.Effects.OfType<ScheduleTimer>().Should().ContainSingle().Which.TimerId.Should().NotBe(timer.TimerId);

        var stale = CustomerDecider.Decide(moved.State, new TimerFired(timer.TimerId, timer.InstanceId, timer.DueAt), At(timer.DueAt.AddMinutes(5)));

        stale.Effects.Should().BeEmpty();
        Serialize.State(stale.State).Should().Be(Serialize.State(moved.State));
    }

    [Fact]
    public void Decide_TimerOfAnEndedInstance_IgnoredWithNoEffects()
    {
        var entered = Enter(Fresh());
        var timer = entered.Effects.OfType<ScheduleTimer>().Single();
        var converted = CustomerDecider.Decide(entered.State, new EventReceived(Events.Order("o1", T0.AddHours(2))), At(T0.AddHours(2)));
        converted.Effects.OfType<CancelTimer>().Should().ContainSingle().Which.TimerId.Should().Be(timer.TimerId);

        var stale = CustomerDecider.Decide(converted.State, new TimerFired(timer.TimerId, timer.InstanceId, timer.DueAt), At(timer.DueAt));

        stale.Effects.Should().BeEmpty();
    }

    [Fact]
    public void Decide_TimerForAnUnknownInstance_IgnoredWithNoEffects()
    {
        var decision = CustomerDecider.Decide(Fresh(), new TimerFired("nope/1/timer", "nope", T0), At(T0));

        decision.Effects.Should().BeEmpty();
        decision.State.Instances.Should().BeEmpty();
    }

    [Fact]
    public void Decide_CouponCode_SameOnReplayDifferentPerInstance()
    {
        static string Code(string customerId)
        {
            var state = new CustomerState { Profile = People.LinXiao(customerId) };
            var entered = CustomerDecider.Decide(state, new EventReceived(Events.Registered("r1", T0, customerId)), At(T0));
            var timer = entered.Effects.OfType<ScheduleTimer>().Single();
            return CustomerDecider.Decide(entered.State, new TimerFired(timer.TimerId, timer.InstanceId, timer.DueAt), At(timer.DueAt)).Effects.OfType<IssueCoupon>().Single().Code;
        }

        Code("c1").Should().Be(Code("c1"));
        Code("c2").Should().NotBe(Code("c1"));
    }

    [Fact]
    public void Decide_Input_IsNotMutated()
    {
        var state = Fresh();
        var @event = Events.Order("o1", T0, useCycleDays: 30);
        var before = (Serialize.State(state), Serialize.Json(@event));

        CustomerDecider.Decide(state, new EventReceived(@event), DecisionContext.For(T0, BuiltIn.All));

        (Serialize.State(state), Serialize.Json(@event)).Should().Be(before);
    }

    [Fact]
    public void Decide_CancelRequested_EndsAsCancelledAndCancelsTheTimer()
    {
        var entered = Enter(Fresh());
        var instance = entered.State.Instances.Single();

        var cancelled = CustomerDecider.Decide(entered.State, new CancelRequested(instance.InstanceId, "ops: duplicate account"), At(T0.AddHours(1)));

        cancelled.Effects.OfType<CancelTimer>().Should().ContainSingle();
        cancelled.Effects.OfType<CompleteInstance>().Single().Outcome.Should().Be(InstanceOutcome.Cancelled);
        cancelled.Effects.OfType<RecordHistory>().Single().Entry.Detail.Should().Contain("ops: duplicate account");
    }
}
