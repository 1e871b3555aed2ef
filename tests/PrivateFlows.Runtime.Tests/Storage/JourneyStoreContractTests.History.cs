using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>History (IJourneyHistory).</summary>
public abstract partial class JourneyStoreContractTests
{
    [Fact]
    public async Task History_pages_per_instance_and_per_customer_in_insertion_order()
    {
        var effects = Enumerable.Range(0, 7)
            .Select(i => (Effect)new RecordHistory($"{(i % 2 == 0 ? "a" : "b")}/h{i}", "c1", new HistoryEntry($"{(i % 2 == 0 ? "a" : "b")}/h{i}", i % 2 == 0 ? "a" : "b", "j", At.AddMinutes(i), HistoryKind.Action, "s", $"entry {i}")))
            .ToList();
        var document = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        var done = await Store.CompleteEffectsAsync(document, effects, [], At);
        var more = new RecordHistory("a/h7", "c1", new HistoryEntry("a/h7", "a", "j", At.AddMinutes(7), HistoryKind.Completed, null, "entry 7"));
        var next = await Store.CommitStepAsync(new StepCommit(done with { PendingEffects = [more] }, done.Version));
        await Store.CompleteEffectsAsync(next, [more], [], At);

        var first = await Store.ReadInstanceHistoryAsync("a", 0, 3);
        first.Entries.Select(e => e.Detail).Should().Equal("entry 0", "entry 2", "entry 4");
        first.Next.Should().NotBeNull();
        var second = await Store.ReadInstanceHistoryAsync("a", first.Next!.Value, 3);
        second.Entries.Select(e => e.Detail).Should().Equal("entry 6", "entry 7");
        second.Next.Should().BeNull();
        second.Entries[1].Kind.Should().Be(HistoryKind.Completed);

        var all = await Store.ReadCustomerHistoryAsync("c1", 0, 5);
        all.Entries.Select(e => e.Detail).Should().Equal("entry 0", "entry 1", "entry 2", "entry 3", "entry 4");
        var rest = await Store.ReadCustomerHistoryAsync("c1", all.Next!.Value, 5);
        rest.Entries.Select(e => e.Detail).Should().Equal("entry 5", "entry 6", "entry 7");
        rest.Next.Should().BeNull();
        (await Store.ReadInstanceHistoryAsync("nothing", 0, 3)).Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task A_step_with_many_entries_and_facts_keeps_them_all_in_order_and_a_replay_adds_none()
    {
        // More entries than one bulk statement holds, with a duplicate id inside the step.
        var effects = Enumerable.Range(0, 40)
            .Select(i => (Effect)new RecordHistory($"i1/h{i}", "c1", new HistoryEntry($"i1/h{i}", "i1", "j", At.AddSeconds(i), HistoryKind.Action, $"s{i % 20}", $"entry {i}")))
            .Append(new RecordHistory("i1/h3", "c1", new HistoryEntry("i1/h3", "i1", "j", At, HistoryKind.Action, "s3", "a duplicate id")))
            .ToList();
        var document = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        var done = await Store.CompleteEffectsAsync(document, effects, [], At);
        await Store.CompleteEffectsAsync(done with { PendingEffects = [.. effects] }, effects, [], At);

        var page = await Store.ReadInstanceHistoryAsync("i1", 0, 100);
        page.Entries.Select(e => e.Detail).Should().Equal(Enumerable.Range(0, 40).Select(i => $"entry {i}"));
        (await Store.ReadJourneyFactsAsync("j")).Where(f => f.Kind == JourneyFactKind.Reached).Select(f => f.Step)
            .Should().BeEquivalentTo(Enumerable.Range(0, 20).Select(i => $"s{i}"), "one fact per instance and step, however often it comes back");
    }

    [Fact]
    public async Task A_step_committed_again_adds_no_history_on_any_page_and_the_next_entries_follow()
    {
        HistoryEntry Line(int n) => new($"i1/h{n}", "i1", "j", At.AddMinutes(n), HistoryKind.Action, "s", $"entry {n}");
        var effects = Enumerable.Range(0, 5).Select(n => (Effect)new RecordHistory($"i1/h{n}", "c1", Line(n))).ToList();
        var document = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1") with { PendingEffects = [.. effects] }, 0));
        var done = await Store.CompleteEffectsAsync(document, effects, [], At);
        // The same entries committed again by a later step (a re-dispatched outbox), then one new entry.
        var again = await Store.CompleteEffectsAsync(done with { PendingEffects = [.. effects] }, effects, [], At);
        var next = new RecordHistory("i1/h5", "c1", Line(5));
        await Store.CompleteEffectsAsync(again with { PendingEffects = [next] }, [next], [], At);

        foreach (var read in new Func<long, Task<HistoryPage>>[] { after => Store.ReadCustomerHistoryAsync("c1", after, 2), after => Store.ReadInstanceHistoryAsync("i1", after, 2) })
        {
            var entries = new List<HistoryEntry>();
            long? cursor = 0;
            while (cursor is { } after)
            {
                var page = await read(after);
                page.Entries.Count.Should().BeLessThanOrEqualTo(2);
                entries.AddRange(page.Entries);
                cursor = page.Next;
            }

            entries.Should().Equal(Enumerable.Range(0, 6).Select(Line));
        }
    }
}
