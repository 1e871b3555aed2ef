using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>The inbox and timeline (IEventInbox).</summary>
public abstract partial class JourneyStoreContractTests
{
    [Fact]
    public async Task Accepting_events_is_idempotent_by_event_id_also_within_one_batch()
    {
        var first = await Store.AcceptEventsAsync([Events.Registered("c1", At, "e1"), Events.Order("c1", At, "e2"), Events.Order("c1", At, "e2")], At);
        var second = await Store.AcceptEventsAsync([Events.Order("c1", At, "e2"), Events.Order("c1", At, "e3")], At);

        first.Should().Equal("e1", "e2");
        second.Should().Equal("e3");
        (await Store.ReadPendingEventsAsync()).Select(e => e.Id).Should().Equal("e1", "e2", "e3");
        var timeline = await Store.ReadEventsAsync("c1", 0, 10);
        timeline.Select(t => t.Event.Id).Should().Equal("e1", "e2", "e3");
        timeline[1].Event.Data["amount"]!.GetValue<decimal>().Should().Be(99m);
        timeline.Should().OnlyContain(t => t.Status == EventStatus.Pending && t.ReceivedAt == At);
    }

    [Fact]
    public async Task Pending_events_are_those_no_step_has_consumed_yet_oldest_first()
    {
        await Store.AcceptEventsAsync([Events.Registered("c1", At, "e1"), Events.Order("c2", At, "e2")], At);
        await Store.AcceptEventsAsync([Events.Order("c1", At, "e3"), Events.Order("c3", At, "e4"), Events.Order("c3", At, "e5")], At.AddSeconds(1));

        await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0, "e1"));
        await Store.MarkConsumedAsync("c3", "e4", null);
        await Store.ParkPoisonAsync(new PoisonInput("e5", "c3", "event", "{}", "boom", 3, At), "e5", null);
        await Store.MarkConsumedAsync("c3", "e5", null); // a poisoned event stays poison

        (await Store.ReadPendingEventsAsync()).Select(e => e.Id).Should().Equal("e2", "e3");
        (await Store.ReadEventStatusAsync("e1")).Should().Be(EventStatus.Done);
        (await Store.ReadEventStatusAsync("e3")).Should().Be(EventStatus.Pending);
        (await Store.ReadEventStatusAsync("e4")).Should().Be(EventStatus.Done);
        (await Store.ReadEventStatusAsync("e5")).Should().Be(EventStatus.Poison);
        (await Store.ReadEventStatusAsync("never")).Should().BeNull();
        (await Store.ReadStatusAsync()).PendingEvents.Should().Be(2);
    }

    [Fact]
    public async Task The_timeline_pages_by_sequence_number()
    {
        await Store.AcceptEventsAsync([.. Enumerable.Range(0, 5).Select(i => Events.Order("c1", At.AddMinutes(i), $"o{i}"))], At);
        await Store.AcceptEventsAsync([Events.Order("c2", At, "other")], At);

        var first = await Store.ReadEventsAsync("c1", 0, 2);
        var second = await Store.ReadEventsAsync("c1", first[^1].Seq, 2);
        var third = await Store.ReadEventsAsync("c1", second[^1].Seq, 2);

        first.Concat(second).Concat(third).Select(t => t.Event.Id).Should().Equal("o0", "o1", "o2", "o3", "o4");
        (await Store.ReadEventsAsync("c1", third[^1].Seq, 2)).Should().BeEmpty();
    }
}
