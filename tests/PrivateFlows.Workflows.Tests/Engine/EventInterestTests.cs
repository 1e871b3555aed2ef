using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Engine;

/// <summary>
/// The decider offers an event only to instances that can react to it (<see cref="EventInterest"/>). Sound means: an
/// instance it skips would have left the decision untouched had it been offered the event.
/// </summary>
public class EventInterestTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static IEnumerable<CustomerEvent> Stream(string customer)
    {
        var at = Start;
        CustomerEvent Next(Func<DateTimeOffset, CustomerEvent> make)
        {
            at = at.AddHours(7);
            return make(at);
        }

        yield return Next(t => Events.Registered("r1", t, customer));
        yield return Next(t => Events.ReferralAccepted("ref1", t, customerId: customer));
        yield return Next(t => Events.Make("open1", EventTypes.AppOpened, t, customerId: customer));
        yield return Next(t => Events.Order("o1", t, orderId: "SO-1", customerId: customer));
        yield return Next(t => Events.Make("ci1", EventTypes.CheckedIn, t, customerId: customer));
        yield return Next(t => Events.Order("o2", t, orderId: "SO-2", useCycleDays: 10, customerId: customer));
        yield return Next(t => Events.Refund("rf1", t, "SO-1", customerId: customer));
        yield return Next(t => Events.Make("open2", EventTypes.AppOpened, t, customerId: customer));
        yield return Next(t => Events.Order("o3", t, amount: 0m, customerId: customer));
        yield return Next(t => Events.Unsubscribed("u1", t, customerId: customer));
    }

    [Fact]
    public void An_instance_skipped_for_an_event_would_not_have_reacted_to_it()
    {
        var customer = People.LinXiao().CustomerId;
        var state = CustomerState.New(customer) with { Profile = People.LinXiao() };
        var skipped = 0;
        var offered = 0;
        var probes = new[] { EventTypes.AppOpened, EventTypes.CheckedIn, EventTypes.OrderCompleted, EventTypes.OrderRefunded, EventTypes.Unsubscribed, EventTypes.ReferralAccepted, EventTypes.CouponRedeemed, EventTypes.Registered };
        foreach (var e in Stream(customer))
        {
            var context = DecisionContext.For(e.Time, BuiltIn.All);
            foreach (var type in probes)
            {
                var probe = e with { Id = $"probe-{type}", Type = type };
                foreach (var instance in state.Instances.Where(i => i.IsActive))
                {
                    var version = context.FindVersion(instance.Version)!;
                    if (EventInterest.ReactsTo(instance, version.Definition, type))
                    {
                        offered++;
                        continue;
                    }

                    skipped++;
                    var builder = new DecisionBuilder(state, context, probe);
                    new InstanceRun(builder, version, instance).OnEvent(probe).Should().BeFalse($"{instance.Journey} at {instance.StepId} does not react to {type}");
                    builder.Effects.Should().BeEmpty();
                    builder.State.Should().BeSameAs(state);
                }
            }

            state = CustomerDecider.Decide(state, new EventReceived(e), context).State;
        }

        skipped.Should().BeGreaterThan(10);
        offered.Should().BeGreaterThan(3);
    }

    [Fact]
    public void An_instance_waiting_for_an_event_reacts_to_that_event_and_to_its_goal_and_exits_only()
    {
        var journey = BuiltIn.Journey(BuiltIn.RepurchaseNudge).Definition;
        var instance = new JourneyInstance
        {
            InstanceId = "i", CustomerId = "c1", Journey = journey.Name, Version = "v", StartedAt = Start,
            EntryEvent = Events.Order("o1", Start),
            Waiting = new Waiting { Reason = WaitingReason.WaitFor, EventType = "coupon.redeemed", TimerId = "t", Until = Start.AddDays(1) },
        };
        EventInterest.ReactsTo(instance, journey, "coupon.redeemed").Should().BeTrue();
        EventInterest.ReactsTo(instance, journey, EventTypes.ProductViewed).Should().BeFalse();
        if (journey.Goal is { } goal) EventInterest.ReactsTo(instance with { Waiting = null }, journey, goal.Event).Should().BeTrue();
        foreach (var exit in journey.Exits) EventInterest.ReactsTo(instance with { Waiting = null }, journey, exit.Event).Should().BeTrue();
        EventInterest.ReactsTo(instance with { Status = InstanceStatus.Ended }, journey, "coupon.redeemed").Should().BeFalse();
    }
}
