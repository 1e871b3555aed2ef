using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>Reads of queued-by-id events (IEventInbox): recovery's pending ids and the bodies a worker reads back.</summary>
public abstract partial class JourneyStoreContractTests
{
    [Fact]
    public async Task Pending_event_ids_name_the_events_no_step_has_consumed_with_their_customers_oldest_first()
    {
        await Store.AcceptEventsAsync([Events.Registered("c1", At, "e1"), Events.Order("c2", At, "e2")], At);
        await Store.AcceptEventsAsync([Events.Order("c1", At, "e3")], At.AddSeconds(1));
        await Store.MarkConsumedAsync("c1", "e1", null);

        (await Store.ReadPendingEventIdsAsync()).Should().Equal(new PendingEvent("e2", "c2"), new PendingEvent("e3", "c1"));
    }

    [Fact]
    public async Task Accepted_events_read_by_id_are_the_stored_events_whatever_their_status_and_unknown_ids_are_left_out()
    {
        await Store.AcceptEventsAsync([Events.Registered("c1", At, "e1"), Events.Order("c1", At, "e2", 42m)], At);
        await Store.MarkConsumedAsync("c1", "e1", null);

        var read = await Store.ReadAcceptedEventsAsync(["e2", "never", "e1"]);

        read.Select(e => e.Id).Should().BeEquivalentTo(["e1", "e2"]);
        read.Single(e => e.Id == "e2").Data["amount"]!.GetValue<decimal>().Should().Be(42m);
        read.Single(e => e.Id == "e2").Subject.Should().Be("c1");
        (await Store.ReadAcceptedEventsAsync([])).Should().BeEmpty();
    }
}
