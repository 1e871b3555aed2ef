using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>
/// The insights and privacy part of the store contract, on each store: journey facts written once with their
/// effects and kept anonymised through erasure, tombstones that refuse to recreate an erased customer and count
/// dropped inputs, declared winners (the first stands), and profiles in pages.
/// </summary>
public abstract class InsightsStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset At = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Clock { get; } = new(At);

    protected IJourneyStore Store { get; private set; } = null!;

    protected abstract Task<IJourneyStore> OpenAsync(FakeTimeProvider clock);

    protected abstract Task CloseAsync(IJourneyStore store);

    public async Task InitializeAsync() => Store = await OpenAsync(Clock);

    public Task DisposeAsync() => CloseAsync(Store);

    /// <summary>Commits a customer with one converted instance of journey "j" and completes the effects of its run.</summary>
    private async Task<(CustomerDocument Document, List<Effect> Effects, string InstanceId)> RunAsync(string customer)
    {
        var instanceId = DeterministicIds.Instance(customer, "j", $"e-{customer}");
        var instance = new JourneyInstance
        {
            InstanceId = instanceId,
            CustomerId = customer,
            Journey = "j",
            Version = "v-hash",
            EntryEvent = Events.Registered(customer, At, $"e-{customer}"),
            StartedAt = At,
            Status = InstanceStatus.Ended,
            Variant = "a",
            Outcome = InstanceOutcome.Converted,
            EndedAt = At.AddHours(1),
            Vars = ImmutableSortedDictionary<string, string>.Empty.Add("goal_amount", "88.5"),
        };
        HistoryEntry Line(int n, HistoryKind kind, string? step, string detail) => new($"{instanceId}/h{n}", instanceId, "j", At, kind, step, detail);
        List<Effect> effects =
        [
            new RecordHistory($"{instanceId}/h0", customer, Line(0, HistoryKind.Entered, null, "entered")),
            new RecordHistory($"{instanceId}/h1", customer, Line(1, HistoryKind.SplitVariant, "pick", "variant a → send")),
            new SendMessage($"{instanceId}/send", customer, instanceId, "j", "send", "sms", SendCategory.Marketing, "t", "zh-CN", null, "hi", null),
            new RecordHistory($"{instanceId}/h2", customer, Line(2, HistoryKind.Sent, "send", "sms t [zh-CN]: hi")),
            new RecordHistory($"{instanceId}/h3", customer, Line(3, HistoryKind.Suppressed, "mail", "t not sent: no consent for email")),
            new IssueCoupon($"{instanceId}/coupon", customer, instanceId, "FIRST", $"F-{customer}", 5m, null),
            new RecordHistory($"{instanceId}/h4", customer, Line(4, HistoryKind.GoalReached, null, "goal")),
            new CompleteInstance($"{instanceId}/complete", customer, instanceId, "j", InstanceOutcome.Converted, "a"),
        ];
        var document = CustomerDocument.New(customer) with { State = CustomerState.New(customer).WithInstance(instance), PendingEffects = [.. effects] };
        var stored = await Store.CommitStepAsync(new StepCommit(document, 0));
        stored = await Store.CompleteEffectsAsync(stored, effects, [], At.AddHours(1));
        return (stored, effects, instanceId);
    }

    [Fact]
    public async Task Journey_facts_are_written_once_with_their_effects()
    {
        var (stored, effects, instanceId) = await RunAsync("c1");
        // A replay of the same effects (recovery) writes nothing twice.
        await Store.CompleteEffectsAsync(stored, effects, [], At.AddHours(2));

        var facts = await Store.ReadJourneyFactsAsync("j");
        facts.Select(f => f.Kind).Should().BeEquivalentTo(
            [JourneyFactKind.Entered, JourneyFactKind.Variant, JourneyFactKind.Sent, JourneyFactKind.Suppressed, JourneyFactKind.Coupon, JourneyFactKind.Ended,
             JourneyFactKind.Reached, JourneyFactKind.Reached, JourneyFactKind.Reached]);
        facts.Should().OnlyContain(f => f.InstanceId == instanceId && f.Journey == "j");
        facts.Single(f => f.Kind == JourneyFactKind.Entered).Version.Should().Be("v-hash");
        facts.Single(f => f.Kind == JourneyFactKind.Variant).Variant.Should().Be("a");
        facts.Single(f => f.Kind == JourneyFactKind.Sent).Channel.Should().Be("sms");
        facts.Single(f => f.Kind == JourneyFactKind.Coupon).Amount.Should().Be(5m);
        facts.Where(f => f.Kind == JourneyFactKind.Reached).Select(f => f.Step).Should().BeEquivalentTo(["pick", "send", "mail"], "every step a history entry names was reached once");
        var ended = facts.Single(f => f.Kind == JourneyFactKind.Ended);
        (ended.Outcome, ended.Amount).Should().Be((InstanceOutcome.Converted, 88.5m));
        (await Store.ReadJourneyFactsAsync("other")).Should().BeEmpty();
    }

    [Fact]
    public async Task An_instance_back_at_a_step_in_a_later_step_keeps_its_first_reached_fact_also_after_erasure()
    {
        var instanceId = DeterministicIds.Instance("c1", "j", "e-c1");
        var document = CustomerDocument.New("c1");
        foreach (var (n, kind) in new[] { (0, HistoryKind.Waiting), (1, HistoryKind.Waited), (2, HistoryKind.Waiting) })
        {
            var entry = new RecordHistory($"{instanceId}/h{n}", "c1", new HistoryEntry($"{instanceId}/h{n}", instanceId, "j", At.AddDays(n), kind, "wait", kind.ToString()));
            document = await Store.CompleteEffectsAsync(document with { PendingEffects = [entry] }, [entry], [], At.AddDays(n));
        }

        var reached = (await Store.ReadJourneyFactsAsync("j")).Should().ContainSingle("one fact per instance and step, however often it comes back").Subject;
        (reached.Kind, reached.Step, reached.At, reached.FactId).Should().Be((JourneyFactKind.Reached, "wait", At, JourneyFacts.ReachedId(instanceId, "wait")));

        await Store.EraseCustomerAsync("c1");
        var erased = (await Store.ReadJourneyFactsAsync("j")).Should().ContainSingle("erasure re-keys the facts without counting a step twice").Subject;
        (erased.Kind, erased.Step, erased.At).Should().Be((JourneyFactKind.Reached, "wait", At));
        erased.InstanceId.Should().NotBe(instanceId);
    }

    [Fact]
    public async Task Erasure_keeps_facts_anonymised_and_a_tombstone_refuses_the_customer_and_counts_late_inputs()
    {
        var (_, _, goneInstance) = await RunAsync("gone");
        var (_, _, staysInstance) = await RunAsync("stays");
        (await Store.IsErasedAsync("gone")).Should().BeFalse();

        (await Store.EraseCustomerAsync("gone")).Should().BeTrue();

        (await Store.IsErasedAsync("gone")).Should().BeTrue();
        (await Store.IsErasedAsync("stays")).Should().BeFalse();
        var facts = await Store.ReadJourneyFactsAsync("j");
        facts.Should().HaveCount(18, "both customers' facts are still counted");
        facts.Count(f => f.InstanceId == staysInstance).Should().Be(9);
        facts.Should().NotContain(f => f.InstanceId == goneInstance || f.FactId.Contains(goneInstance, StringComparison.Ordinal) || f.FactId.Contains("gone", StringComparison.Ordinal));
        facts.Where(f => f.InstanceId != staysInstance).Select(f => f.InstanceId).Distinct().Should().ContainSingle("one anonymous id per instance keeps them grouped");

        var recreate = () => Store.CommitStepAsync(new StepCommit(CustomerDocument.New("gone"), 0));
        await recreate.Should().ThrowAsync<ConcurrencyConflictException>();
        (await Store.ReadCustomerAsync("gone")).Should().BeNull();

        await Store.AcceptEventsAsync([Events.Registered("gone", At, "late-1")], At);
        await Store.DropErasedInputAsync("gone", "late-1", null);
        (await Store.ReadEventsAsync("gone", 0, 10)).Should().BeEmpty();
        (await Store.ReadPendingEventsAsync()).Should().BeEmpty();
        var counters = await Store.ReadErasureCountersAsync();
        counters.Should().Be(new ErasureCounters(1, 1, 0));

        // Erasing an id never seen still leaves a tombstone (late events must not create it).
        (await Store.EraseCustomerAsync("never-there")).Should().BeFalse();
        (await Store.IsErasedAsync("never-there")).Should().BeTrue();
    }

    [Fact]
    public async Task The_first_declared_winner_stands()
    {
        var first = await Store.DeclareWinnerAsync(new DeclaredWinner("j", "a", 0.97, "conversion", At));
        var second = await Store.DeclareWinnerAsync(new DeclaredWinner("j", "b", 0.99, "conversion", At.AddDays(1)));
        await Store.DeclareWinnerAsync(new DeclaredWinner("k", "b", 0.96, "conversion", At));

        first.Variant.Should().Be("a");
        second.Should().Be(first);
        (await Store.ReadWinnersAsync()).Select(w => (w.Journey, w.Variant)).Should().Equal(("j", "a"), ("k", "b"));
    }

    [Fact]
    public async Task Profiles_are_read_in_pages_in_customer_id_order()
    {
        foreach (var id in new[] { "p3", "p1", "p2", "p5", "p4" })
        {
            var document = CustomerDocument.New(id) with { State = CustomerState.New(id) with { Profile = new CustomerProfile { CustomerId = id, Name = $"name-{id}" } } };
            await Store.CommitStepAsync(new StepCommit(document, 0));
        }

        var first = await Store.ReadProfilesAsync(null, 2);
        var second = await Store.ReadProfilesAsync(first[^1].CustomerId, 2);
        var third = await Store.ReadProfilesAsync(second[^1].CustomerId, 2);

        first.Concat(second).Concat(third).Select(p => p.CustomerId).Should().Equal("p1", "p2", "p3", "p4", "p5");
        first[0].Name.Should().Be("name-p1");
        third.Should().HaveCount(1);
    }
}

public sealed class SqliteInsightsContractTests : InsightsStoreContractTests, IDisposable
{
    private readonly TempFolder _folder = new();

    protected override Task<IJourneyStore> OpenAsync(FakeTimeProvider clock) =>
        Task.FromResult<IJourneyStore>(new SqliteJourneyStore(Options.Create(new SqliteOptions { Path = _folder.File("store.db") }), clock));

    protected override async Task CloseAsync(IJourneyStore store) => await ((SqliteJourneyStore)store).DisposeAsync();

    public void Dispose() => _folder.Dispose();
}
