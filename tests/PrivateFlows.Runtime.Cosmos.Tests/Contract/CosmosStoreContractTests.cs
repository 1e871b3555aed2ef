using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Cosmos.Tests.Support;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Cosmos.Tests.Contract;

/// <summary>The store contract on the Cosmos DB store against the local emulator (a fresh database per test).</summary>
public sealed class CosmosStoreContractTests(CosmosEmulator emulator) : JourneyStoreContractTests, IClassFixture<CosmosEmulator>
{
    protected override async Task<IJourneyStore> OpenAsync(FakeTimeProvider clock)
    {
        var store = emulator.OpenStore(clock);
        await store.EnsureReadyAsync();
        return store;
    }

    protected override Task CloseAsync(IJourneyStore store)
    {
        ((CosmosJourneyStore)store).Dispose();
        return Task.CompletedTask;
    }
}
