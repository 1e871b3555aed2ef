using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Tests.Processing;

/// <summary>A worker's look-ahead (<see cref="PartitionBacklog"/>): batches per customer, in order, customers in turn.</summary>
public sealed class PartitionBacklogTests
{
    [Fact]
    public void TakeBatch_CustomersInterleaved_TakesEachCustomersRequestsInOrderAndCustomersInTurn()
    {
        var backlog = new PartitionBacklog();
        foreach (var id in new[] { "a1", "b1", "a2", "c1", "b2", "a3" }) backlog.Add(Order(id[..1], id));
        var batch = new List<StepRequest>();

        var taken = new List<string>();
        while (backlog.Count > 0)
        {
            backlog.TakeBatch(batch, 64);
            taken.Add(string.Join(",", batch.Select(r => r.EventId)));
        }

        taken.Should().Equal("a1,a2,a3", "b1,b2", "c1");
    }

    [Fact]
    public void TakeBatch_ARequestThatCannotBeBatched_RunsAloneInItsPlace()
    {
        var backlog = new PartitionBacklog();
        backlog.Add(Order("a", "a1"));
        backlog.Add(Order("a", "a2"));
        backlog.Add(StepRequest.ForCommand("a", new EventReceived(Events.Other("a", EngineHarness.Start, "cmd", "app.opened")), "cmd-1"));
        backlog.Add(Order("b", "b1"));
        backlog.Add(Order("a", "a3"));
        var batch = new List<StepRequest>();

        var taken = new List<string>();
        while (backlog.Count > 0)
        {
            backlog.TakeBatch(batch, 64);
            taken.Add(string.Join(",", batch.Select(r => r.EventId ?? r.InputId)));
        }

        taken.Should().Equal("a1,a2", "b1", "c:cmd-1", "a3");
    }

    [Fact]
    public void TryTakeBatch_BusyCustomer_IsPassedAndKeepsItsRequestsForLater()
    {
        var backlog = new PartitionBacklog();
        foreach (var id in new[] { "a1", "b1", "a2", "c1" }) backlog.Add(Order(id[..1], id));
        var batch = new List<StepRequest>();

        backlog.TryTakeBatch(batch, 64, customer => customer == "a").Should().BeTrue();
        batch.Select(r => r.EventId).Should().Equal("b1");
        backlog.TryTakeBatch(batch, 64, customer => customer is "a" or "c").Should().BeFalse("every waiting customer is busy");
        batch.Should().BeEmpty();
        backlog.Count.Should().Be(3);
        backlog.TryTakeBatch(batch, 64, _ => false).Should().BeTrue();
        batch.Select(r => r.EventId).Should().Equal("c1");
        backlog.TryTakeBatch(batch, 64, null).Should().BeTrue();
        batch.Select(r => r.EventId).Should().Equal("a1", "a2");
        backlog.Count.Should().Be(0);
    }

    [Fact]
    public void TakeBatch_MoreThanMax_LeavesTheRestForTheCustomersNextTurn()
    {
        var backlog = new PartitionBacklog();
        for (var i = 1; i <= 5; i++) backlog.Add(Order("a", $"a{i}"));
        backlog.Add(Order("b", "b1"));
        var batch = new List<StepRequest>();

        backlog.TakeBatch(batch, 2);
        batch.Select(r => r.EventId).Should().Equal("a1", "a2");
        backlog.TakeBatch(batch, 2);
        batch.Select(r => r.EventId).Should().Equal("b1");
        backlog.TakeBatch(batch, 2);
        batch.Select(r => r.EventId).Should().Equal("a3", "a4");
        backlog.Count.Should().Be(1);
    }

    private static StepRequest Order(string customer, string id) => StepRequest.ForEvent(Events.Order(customer, EngineHarness.Start, id));
}
