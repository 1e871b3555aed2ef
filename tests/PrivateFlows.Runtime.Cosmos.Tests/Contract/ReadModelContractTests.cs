using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Cosmos.Tests.Contract;

/// <summary>
/// What every read model must do (<see cref="ICustomerReadModel"/> and <see cref="ICustomerReadModelReader"/>), run on
/// each implementation: steps written idempotently (a replayed step changes nothing, an older step written late does
/// not replace a newer one), history in pages, ledgers, messages never downgraded, journey facts, live step counts,
/// referrals, profiles and erasure. Each test gets a fresh, empty read model.
/// </summary>
public abstract class ReadModelContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset At = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Clock { get; } = new(At);

    private ICustomerReadModel Writer { get; set; } = null!;

    private ICustomerReadModelReader Reader { get; set; } = null!;

    protected abstract Task<(ICustomerReadModel Writer, ICustomerReadModelReader Reader)> OpenAsync(FakeTimeProvider clock);

    public async Task InitializeAsync() => (Writer, Reader) = await OpenAsync(Clock);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    // ── building steps ────────────────────────────────────────────────────

    private static string InstanceId(string customer, string journey = "j") => DeterministicIds.Instance(customer, journey, $"e-{customer}");

    private static JourneyInstance Instance(string customer, string? step, InstanceStatus status = InstanceStatus.Active, string journey = "j", string version = "v1") => new()
    {
        InstanceId = InstanceId(customer, journey),
        CustomerId = customer,
        Journey = journey,
        Version = version,
        EntryEvent = Events.Registered(customer, At, $"e-{customer}"),
        StartedAt = At,
        StepId = step,
        Status = status,
        Outcome = status == InstanceStatus.Ended ? InstanceOutcome.Completed : null,
        EndedAt = status == InstanceStatus.Ended ? At.AddDays(1) : null,
    };

    private static CustomerDocument Document(string customer, params JourneyInstance[] instances)
    {
        var state = CustomerState.New(customer) with { Profile = new CustomerProfile { CustomerId = customer, Name = $"name-{customer}" } };
        foreach (var i in instances) state = state.WithInstance(i);
        return new CustomerDocument { State = state };
    }

    private static RecordHistory History(JourneyInstance instance, int n, HistoryKind kind, string? step, DateTimeOffset at) =>
        new($"{instance.InstanceId}/h{n}", instance.CustomerId, new HistoryEntry($"{instance.InstanceId}/h{n}", instance.InstanceId, instance.Journey, at, kind, step, $"entry {n}"));

    private static MessageRecord Message(string customer, string effectId, DeliveryStatus status, int attempts, DateTimeOffset at) =>
        new(effectId, customer, InstanceId(customer), "j", "send", "webhook", "transactional", "t", "en", null, "hello", "url", "webhook", status, attempts, status.ToString(), at);

    /// <summary>A customer entering journey j at step "wait": entered, reached, a send, points, a coupon, a held referral reward.</summary>
    private static CustomerStep Entry(string customer, DateTimeOffset at, string step = "wait")
    {
        var instance = Instance(customer, step);
        var id = instance.InstanceId;
        List<Effect> effects =
        [
            History(instance, 0, HistoryKind.Entered, null, at),
            new SendMessage($"{id}/send", customer, id, "j", "welcome", "webhook", SendCategory.Transactional, "t", "en", null, "hello", null),
            History(instance, 1, HistoryKind.Sent, "welcome", at),
            new AwardPoints($"{id}/points", customer, id, 10, "welcome"),
            new IssueCoupon($"{id}/coupon", customer, id, "FIRST", $"F-{customer}", 20m, at.AddDays(7)),
            new RewardReferral($"{id}/referral", customer, id, "boss", 500, 200, true, "shared-device"),
            History(instance, 2, HistoryKind.Waiting, step, at),
        ];
        var document = Document(customer, instance) with { PendingEffects = [.. effects], ProcessedInputs = [$"e:e-{customer}"] };
        return new CustomerStep(document, effects, [Message(customer, $"{id}/send", DeliveryStatus.Sandboxed, 0, at)], at);
    }

    /// <summary>The customer's instance moves to <paramref name="step"/> (or ends there) in a later step.</summary>
    private static CustomerStep Move(string customer, DateTimeOffset at, string step, int n, InstanceStatus status = InstanceStatus.Active)
    {
        var instance = Instance(customer, step, status);
        List<Effect> effects = [History(instance, n, status == InstanceStatus.Ended ? HistoryKind.Completed : HistoryKind.Waiting, step, at)];
        if (status == InstanceStatus.Ended) effects.Add(new CompleteInstance($"{instance.InstanceId}/complete", customer, instance.InstanceId, "j", InstanceOutcome.Completed, null));
        return new CustomerStep(Document(customer, instance), effects, [], at);
    }

    // ── writing steps ─────────────────────────────────────────────────────

    [Fact]
    public async Task WriteStep_ReplayedStep_ChangesNothing()
    {
        var entry = Entry("c1", At);
        await Writer.WriteStepAsync(entry);
        await Writer.WriteStepAsync(entry); // an activity retried after a crash

        var id = InstanceId("c1");
        var customer = await Reader.ReadCustomerAsync("c1");
        customer!.State.Instances.Should().ContainSingle(i => i.InstanceId == id && i.StepId == "wait");
        customer.PendingEffects.Should().BeEmpty("the read model keeps no outbox");
        customer.ProcessedInputs.Should().BeEmpty("Durable Functions keeps the processed inputs, not the read model");
        (await Reader.ReadInstanceHistoryAsync(id, 0, 10)).Entries.Select(e => e.Detail).Should().Equal("entry 0", "entry 1", "entry 2");
        (await Reader.ReadCustomerHistoryAsync("c1", 0, 10)).Entries.Should().HaveCount(3);
        (await Reader.ReadPointsAsync("c1")).Select(p => (p.EntryId, p.Points, p.Status)).Should().Equal(($"{id}/points", 10L, PointsStatus.Credited), ($"{id}/referral/referee", 200L, PointsStatus.Held));
        (await Reader.ReadPointsAsync("boss")).Should().ContainSingle(p => p.Points == 500 && p.Status == PointsStatus.Held, "a held reward is a line for review in the referrer's ledger");
        (await Reader.ReadCouponsAsync("c1")).Should().ContainSingle().Which.Should().Be(new CouponRecord("F-c1", $"{id}/coupon", "c1", id, "FIRST", 20m, At.AddDays(7), At));
        (await Reader.ReadMessagesAsync("c1", 10)).Should().ContainSingle().Which.Should().Be(entry.Messages[0]);
        (await Reader.ReadMessageAsync($"{id}/send")).Should().Be(entry.Messages[0]);
        (await Reader.ReadMessageAsync("nothing")).Should().BeNull();
        (await Reader.FindInstanceCustomerAsync(id)).Should().Be("c1");
        (await Reader.FindInstanceCustomerAsync("unknown-0123456789abcdef")).Should().BeNull();
        (await Reader.ReadJourneyFactsAsync("j")).Select(f => f.Kind).Should().BeEquivalentTo(
            [JourneyFactKind.Entered, JourneyFactKind.Sent, JourneyFactKind.Reached, JourneyFactKind.Reached, JourneyFactKind.Coupon]);
        (await Reader.CountInstancesByStepAsync("j")).Should().Equal(new InstanceStepCount("j", "v1", "wait", 1, 0));
    }

    [Fact]
    public async Task WriteStep_OlderStepWrittenAfterANewerOne_KeepsTheNewerDocumentAndCounts()
    {
        var entry = Entry("c1", At);
        await Writer.WriteStepAsync(entry);
        await Writer.WriteStepAsync(Move("c1", At.AddDays(1), "remind", 3));
        await Writer.WriteStepAsync(entry); // the first step's activity, retried late

        (await Reader.ReadCustomerAsync("c1"))!.State.Instances.Single().StepId.Should().Be("remind");
        (await Reader.CountInstancesByStepAsync("j")).Should().Equal(new InstanceStepCount("j", "v1", "remind", 1, 0));
        (await Reader.ReadCustomerHistoryAsync("c1", 0, 10)).Entries.Select(e => e.Detail).Should().Equal("entry 0", "entry 1", "entry 2", "entry 3");
    }

    [Fact]
    public async Task ReadHistory_ManySteps_PagesPerInstanceAndPerCustomerInWrittenOrder()
    {
        var a = Instance("c1", "s", journey: "a");
        var b = Instance("c1", "s", journey: "b");
        for (var i = 0; i < 7; i++)
        {
            var instance = i % 2 == 0 ? a : b;
            var at = At.AddMinutes(i);
            await Writer.WriteStepAsync(new CustomerStep(Document("c1", a, b), [History(instance, i, HistoryKind.Action, "s", at)], [], at));
        }

        var first = await Reader.ReadInstanceHistoryAsync(a.InstanceId, 0, 3);
        first.Entries.Select(e => e.Detail).Should().Equal("entry 0", "entry 2", "entry 4");
        first.Next.Should().NotBeNull();
        var second = await Reader.ReadInstanceHistoryAsync(a.InstanceId, first.Next!.Value, 3);
        second.Entries.Select(e => e.Detail).Should().Equal("entry 6");
        second.Next.Should().BeNull();

        var all = await Reader.ReadCustomerHistoryAsync("c1", 0, 5);
        all.Entries.Select(e => e.Detail).Should().Equal("entry 0", "entry 1", "entry 2", "entry 3", "entry 4");
        var rest = await Reader.ReadCustomerHistoryAsync("c1", all.Next!.Value, 5);
        rest.Entries.Select(e => e.Detail).Should().Equal("entry 5", "entry 6");
        rest.Next.Should().BeNull();
        (await Reader.ReadInstanceHistoryAsync("nothing-0123456789abcdef", 0, 3)).Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task WriteStep_DeliveredMessage_IsNeverDowngradedByALaterFailure()
    {
        var document = Document("c1");
        async Task Send(DeliveryStatus status, int attempts, int minute) =>
            await Writer.WriteStepAsync(new CustomerStep(document, [], [Message("c1", "m1", status, attempts, At.AddMinutes(minute))], At.AddMinutes(minute)));

        await Send(DeliveryStatus.Failed, 3, 0);
        (await Reader.ReadMessageAsync("m1"))!.Status.Should().Be(DeliveryStatus.Failed);
        await Send(DeliveryStatus.Delivered, 4, 1);
        await Send(DeliveryStatus.Failed, 2, 2);

        var stored = await Reader.ReadMessageAsync("m1");
        (stored!.Status, stored.Attempts, stored.Detail, stored.At).Should().Be((DeliveryStatus.Delivered, 4, "Delivered", At.AddMinutes(1)));
        (await Reader.ReadMessagesAsync("c1", 10)).Should().ContainSingle();
    }

    [Fact]
    public async Task WriteStep_LoyaltyPointsAndPaidReferralReward_AreWrittenOnceAndTheReferrerIsCreditedByTheirOwnStep()
    {
        var ledger = new PointsLedgerEntry("ord-1/order", "c1", At, 99, "order", "order ord-1") { ExpiresAt = At.AddYears(1) };
        List<Effect> effects = [new RecordPoints("ord-1/order", "c1", ledger), new RewardReferral("i1/9/referral", "c1", "i1", "boss", 500, 200, false, null)];
        var step = new CustomerStep(Document("c1"), effects, [], At.AddMinutes(1));
        await Writer.WriteStepAsync(step);
        await Writer.WriteStepAsync(step with { At = At.AddMinutes(2) });

        var points = await Reader.ReadPointsAsync("c1");
        points.Should().HaveCount(2);
        points[0].Should().Be(new PointsEntry("ord-1/order", "c1", null, 99, "order", "order ord-1", PointsStatus.Credited, At, At.AddYears(1)));
        (points[1].Points, points[1].Status).Should().Be((200L, PointsStatus.Credited));
        (await Reader.ReadPointsAsync("boss")).Should().BeEmpty("a paid reward reaches the referrer through their own orchestration");
    }

    [Fact]
    public async Task ReadReferrals_FollowTheRefereesDocuments()
    {
        foreach (var (referee, days) in new[] { ("r1", 1), ("r2", 10), ("r3", 40) })
        {
            var document = Document(referee);
            document = document with { State = document.State with { Profile = document.State.Profile with { ReferredBy = new ReferredBy { ReferrerId = "boss", AcceptedAt = At.AddDays(-days), EventId = $"ref-{referee}" } } } };
            await Writer.WriteStepAsync(new CustomerStep(document, [], [], At));
            await Writer.WriteStepAsync(new CustomerStep(document, [], [], At.AddMinutes(1))); // a later step keeps one link
        }

        (await Reader.ReadReferralsAsync("boss", At.AddDays(-30))).Should().Equal(new AcceptedReferral("r2", At.AddDays(-10)), new AcceptedReferral("r1", At.AddDays(-1)));
        (await Reader.ReadReferralsAsync("someone-else", At.AddDays(-30))).Should().BeEmpty();
    }

    [Fact]
    public async Task CountInstancesByStep_InstancesEnterMoveEndAndAreErased_CountsFollow()
    {
        foreach (var customer in new[] { "c1", "c2", "c3", "c4" }) await Writer.WriteStepAsync(Entry(customer, At));
        var faulted = Instance("c5", "remind", InstanceStatus.Faulted, version: "v2");
        await Writer.WriteStepAsync(new CustomerStep(Document("c5", faulted), [History(faulted, 0, HistoryKind.Faulted, "remind", At)], [], At));
        await Writer.WriteStepAsync(new CustomerStep(Document("k1", Instance("k1", "wait", journey: "k")), [History(Instance("k1", "wait", journey: "k"), 0, HistoryKind.Entered, null, At)], [], At));
        (await Reader.CountInstancesByStepAsync("j")).Should().Equal(new InstanceStepCount("j", "v1", "wait", 4, 0), new InstanceStepCount("j", "v2", "remind", 0, 1));

        await Writer.WriteStepAsync(Move("c1", At.AddDays(1), "remind", 3));
        await Writer.WriteStepAsync(Move("c2", At.AddDays(1), "remind", 3, InstanceStatus.Ended));
        await Writer.WriteStepAsync(new CustomerStep(Document("c3", Instance("c3", "wait")), [], [], At.AddDays(1))); // a step that moves nothing
        (await Reader.CountInstancesByStepAsync("j")).Should().Equal(
            new InstanceStepCount("j", "v1", "remind", 1, 0),
            new InstanceStepCount("j", "v1", "wait", 2, 0),
            new InstanceStepCount("j", "v2", "remind", 0, 1));
        (await Reader.CountInstancesByStepAsync("j", "v2")).Should().Equal(new InstanceStepCount("j", "v2", "remind", 0, 1));
        (await Reader.CountInstancesByStepAsync("k")).Should().Equal(new InstanceStepCount("k", "v1", "wait", 1, 0));

        // c1 completes and its ended instance is pruned in the same step; c3 is erased.
        await Writer.WriteStepAsync(Move("c1", At.AddDays(2), "remind", 4, InstanceStatus.Ended) with { Document = Document("c1") });
        await Writer.EraseCustomerAsync("c3");
        (await Reader.CountInstancesByStepAsync("j")).Should().Equal(new InstanceStepCount("j", "v1", "wait", 1, 0), new InstanceStepCount("j", "v2", "remind", 0, 1));
        (await Reader.CountInstancesByStepAsync("nobody")).Should().BeEmpty();
    }

    [Fact]
    public async Task EraseCustomer_RemovesEverythingAboutThemKeepsAnonymousFactsAndDropsLaterSteps()
    {
        await Writer.WriteStepAsync(Entry("gone", At));
        await Writer.WriteStepAsync(Entry("stays", At));
        var gone = InstanceId("gone");
        var stays = InstanceId("stays");

        (await Writer.EraseCustomerAsync("gone")).Should().BeTrue();
        (await Writer.EraseCustomerAsync("gone")).Should().BeFalse();

        (await Reader.IsErasedAsync("gone")).Should().BeTrue();
        (await Reader.IsErasedAsync("stays")).Should().BeFalse();
        (await Reader.ReadCustomerAsync("gone")).Should().BeNull();
        (await Reader.ReadCustomerHistoryAsync("gone", 0, 10)).Entries.Should().BeEmpty();
        (await Reader.ReadInstanceHistoryAsync(gone, 0, 10)).Entries.Should().BeEmpty();
        (await Reader.ReadPointsAsync("gone")).Should().BeEmpty();
        (await Reader.ReadCouponsAsync("gone")).Should().BeEmpty();
        (await Reader.ReadMessagesAsync("gone", 10)).Should().BeEmpty();
        (await Reader.ReadProfilesAsync(null, 10)).Select(p => p.CustomerId).Should().Equal("stays");
        var facts = await Reader.ReadJourneyFactsAsync("j");
        facts.Should().HaveCount(10, "both customers' facts are still counted");
        facts.Count(f => f.InstanceId == stays).Should().Be(5);
        facts.Should().NotContain(f => f.InstanceId == gone || f.FactId.Contains(gone, StringComparison.Ordinal) || f.FactId.Contains("gone", StringComparison.Ordinal));
        facts.Where(f => f.InstanceId != stays).Select(f => f.InstanceId).Distinct().Should().ContainSingle("one anonymous id per instance keeps them grouped");

        // A step written after the erasure (an activity that was already running) does not bring the customer back.
        await Writer.WriteStepAsync(Move("gone", At.AddDays(1), "remind", 3));
        (await Reader.ReadCustomerAsync("gone")).Should().BeNull();
        (await Reader.ReadCustomerHistoryAsync("gone", 0, 10)).Entries.Should().BeEmpty();
        (await Reader.CountInstancesByStepAsync("j")).Should().Equal(new InstanceStepCount("j", "v1", "wait", 1, 0));

        (await Reader.ReadCustomerAsync("stays")).Should().NotBeNull();
        (await Reader.ReadPointsAsync("stays")).Should().HaveCount(2);
        (await Reader.ReadMessagesAsync("stays", 10)).Should().HaveCount(1);
        (await Writer.EraseCustomerAsync("never-there")).Should().BeFalse();
        (await Reader.IsErasedAsync("never-there")).Should().BeTrue();
    }

    [Fact]
    public async Task ReadProfiles_ReadsInPagesInCustomerIdOrder()
    {
        foreach (var id in new[] { "p3", "p1", "p2", "p5", "p4" }) await Writer.WriteStepAsync(new CustomerStep(Document(id), [], [], At));

        var first = await Reader.ReadProfilesAsync(null, 2);
        var second = await Reader.ReadProfilesAsync(first[^1].CustomerId, 2);
        var third = await Reader.ReadProfilesAsync(second[^1].CustomerId, 2);

        first.Concat(second).Concat(third).Select(p => p.CustomerId).Should().Equal("p1", "p2", "p3", "p4", "p5");
        first[0].Name.Should().Be("name-p1");
        third.Should().HaveCount(1);
    }
}

public sealed class InMemoryReadModelContractTests : ReadModelContractTests
{
    protected override Task<(ICustomerReadModel Writer, ICustomerReadModelReader Reader)> OpenAsync(FakeTimeProvider clock)
    {
        var model = new InMemoryCustomerReadModel();
        return Task.FromResult<(ICustomerReadModel, ICustomerReadModelReader)>((model, model));
    }
}

public sealed class CosmosReadModelContractTests(Support.CosmosEmulator emulator) : ReadModelContractTests, IClassFixture<Support.CosmosEmulator>
{
    private CosmosCustomerReadModel? _model;

    protected override async Task<(ICustomerReadModel Writer, ICustomerReadModelReader Reader)> OpenAsync(FakeTimeProvider clock)
    {
        _model = emulator.OpenReadModel(clock);
        await _model.EnsureReadyAsync();
        return (_model, _model);
    }

    public override Task DisposeAsync()
    {
        _model?.Dispose();
        return Task.CompletedTask;
    }
}
