using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>Live counts per step (IJourneyStatistics).</summary>
public abstract partial class JourneyStoreContractTests
{
    private static JourneyInstance Instance(string customer, string id, string journey, string version, string? step, InstanceStatus status = InstanceStatus.Active) => new()
    {
        InstanceId = id,
        CustomerId = customer,
        Journey = journey,
        Version = version,
        EntryEvent = Events.Registered(customer, At, $"entry-{id}"),
        StartedAt = At,
        StepId = step,
        Status = status,
        Outcome = status == InstanceStatus.Ended ? InstanceOutcome.Completed : null,
        EndedAt = status == InstanceStatus.Ended ? At.AddHours(1) : null,
    };

    private static CustomerDocument With(CustomerDocument document, params JourneyInstance[] instances)
    {
        var state = document.State;
        foreach (var i in instances) state = state.WithInstance(i);
        return document with { State = state };
    }

    [Fact]
    public async Task CountInstancesByStep_InstancesWaitingAtDifferentSteps_CountsPerVersionAndStep()
    {
        await Store.CommitStepAsync(new StepCommit(With(CustomerDocument.New("c1"), Instance("c1", "j-1", "j", "v1", "wait"), Instance("c1", "k-1", "k", "v1", "wait")), 0));
        await Store.CommitStepAsync(new StepCommit(With(CustomerDocument.New("c2"), Instance("c2", "j-2", "j", "v1", "wait")), 0));
        await Store.CommitStepAsync(new StepCommit(With(CustomerDocument.New("c3"), Instance("c3", "j-3", "j", "v1", "remind")), 0));
        await Store.CommitStepAsync(new StepCommit(With(CustomerDocument.New("c4"), Instance("c4", "j-4", "j", "v2", "wait")), 0));
        await Store.CommitStepAsync(new StepCommit(With(CustomerDocument.New("c5"), Instance("c5", "j-5", "j", "v2", "remind", InstanceStatus.Faulted)), 0));
        await Store.CommitStepAsync(new StepCommit(With(CustomerDocument.New("c6"), Instance("c6", "j-6", "j", "v1", "wait", InstanceStatus.Ended)), 0));

        (await Store.CountInstancesByStepAsync("j")).Should().Equal(
            new InstanceStepCount("j", "v1", "remind", 1, 0),
            new InstanceStepCount("j", "v1", "wait", 2, 0),
            new InstanceStepCount("j", "v2", "remind", 0, 1),
            new InstanceStepCount("j", "v2", "wait", 1, 0));
        (await Store.CountInstancesByStepAsync("j", "v2")).Should().Equal(
            new InstanceStepCount("j", "v2", "remind", 0, 1),
            new InstanceStepCount("j", "v2", "wait", 1, 0));
        (await Store.CountInstancesByStepAsync("k")).Should().Equal(new InstanceStepCount("k", "v1", "wait", 1, 0));
        (await Store.CountInstancesByStepAsync("nobody")).Should().BeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the engine passes the replaced document, and a store may then write only what moved
    public async Task CountInstancesByStep_InstancesMoveEndAndAreErased_CountsFollow(bool withReplacedDocument)
    {
        Task<CustomerDocument> Commit(CustomerDocument next, CustomerDocument? replaced) =>
            Store.CommitStepAsync(new StepCommit(next, replaced?.Version ?? 0) { Previous = withReplacedDocument ? replaced : null });

        var c1 = await Commit(With(CustomerDocument.New("c1"), Instance("c1", "j-1", "j", "v1", "wait")), null);
        var c2 = await Commit(With(CustomerDocument.New("c2"), Instance("c2", "j-2", "j", "v1", "wait")), null);
        await Commit(With(CustomerDocument.New("c3"), Instance("c3", "j-3", "j", "v1", "wait")), null);
        (await Store.CountInstancesByStepAsync("j")).Should().Equal(new InstanceStepCount("j", "v1", "wait", 3, 0));

        // c1 moves on to the next wait; c2 completes; a commit that changes no instance (an outbox completion) changes nothing.
        c1 = await Commit(With(c1, Instance("c1", "j-1", "j", "v1", "remind")), c1);
        c1 = await Store.CompleteEffectsAsync(c1, [], [], At);
        c2 = await Commit(With(c2, Instance("c2", "j-2", "j", "v1", "wait", InstanceStatus.Ended)), c2);
        (await Store.CountInstancesByStepAsync("j")).Should().Equal(
            new InstanceStepCount("j", "v1", "remind", 1, 0),
            new InstanceStepCount("j", "v1", "wait", 1, 0));

        // An ended instance pruned from the document stays uncounted; c1's completes too; c3 is erased.
        await Commit(c2 with { State = c2.State with { Instances = [] } }, c2);
        await Commit(With(c1, Instance("c1", "j-1", "j", "v1", "remind", InstanceStatus.Ended)), c1);
        await Store.EraseCustomerAsync("c3");
        (await Store.CountInstancesByStepAsync("j")).Should().BeEmpty();
    }
}
