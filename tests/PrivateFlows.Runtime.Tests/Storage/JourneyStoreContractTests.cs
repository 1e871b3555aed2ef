using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>
/// What every <see cref="IJourneyStore"/> must do, run against each implementation (one subclass per store; since the Cosmos engine retired, the embedded SQLite store is the one): the
/// ETag-checked customer commit, idempotent effects, the inbox, timers in due order, history paging, ledgers,
/// publishing, poison and erase. Each test gets a fresh, empty store and a fake clock at <see cref="At"/>.
/// </summary>
public abstract partial class JourneyStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset At = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Clock { get; } = new(At);

    protected IJourneyStore Store { get; private set; } = null!;

    protected abstract Task<IJourneyStore> OpenAsync(FakeTimeProvider clock);

    protected abstract Task CloseAsync(IJourneyStore store);

    public async Task InitializeAsync() => Store = await OpenAsync(Clock);

    public Task DisposeAsync() => CloseAsync(Store);

    // ── customer documents and step commits (ICustomerDocuments, IStepCommits); each role has its own file ──

    [Fact]
    public async Task A_commit_checks_the_version_like_an_ETag()
    {
        var document = CustomerDocument.New("c1");
        var v1 = await Store.CommitStepAsync(new StepCommit(document, 0));
        v1.Version.Should().Be(1);

        var v2 = await Store.CommitStepAsync(new StepCommit(v1 with { ProcessedInputs = ["e:1"] }, 1));
        v2.Version.Should().Be(2);

        var stale = () => Store.CommitStepAsync(new StepCommit(v1 with { ProcessedInputs = ["e:other"] }, 1));
        await stale.Should().ThrowAsync<ConcurrencyConflictException>();
        var twiceNew = () => Store.CommitStepAsync(new StepCommit(document, 0));
        await twiceNew.Should().ThrowAsync<ConcurrencyConflictException>();
        var missing = () => Store.CommitStepAsync(new StepCommit(CustomerDocument.New("nobody"), 3));
        await missing.Should().ThrowAsync<ConcurrencyConflictException>();

        var stored = await Store.ReadCustomerAsync("c1");
        stored!.Version.Should().Be(2);
        stored.ProcessedInputs.Should().Equal("e:1");
        (await Store.ReadCustomerAsync("nobody")).Should().BeNull();
    }

    [Fact]
    public async Task Of_concurrent_commits_on_one_version_exactly_one_wins()
    {
        var v1 = await Store.CommitStepAsync(new StepCommit(CustomerDocument.New("c1"), 0));
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await Store.CommitStepAsync(new StepCommit(v1 with { ProcessedInputs = [$"e:{i}"] }, 1));
                return i;
            }
            catch (ConcurrencyConflictException)
            {
                return -1;
            }
        });

        var winners = (await Task.WhenAll(attempts)).Where(i => i >= 0).ToList();
        winners.Should().ContainSingle();
        var stored = await Store.ReadCustomerAsync("c1");
        (stored!.Version, stored.ProcessedInputs.Single()).Should().Be((2, $"e:{winners[0]}"));
    }
}
