using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>The store contract on the embedded SQLite store (a temp file per test).</summary>
public sealed class SqliteStoreContractTests : JourneyStoreContractTests, IDisposable
{
    private readonly TempFolder _folder = new();

    protected override Task<IJourneyStore> OpenAsync(FakeTimeProvider clock) =>
        Task.FromResult<IJourneyStore>(new SqliteJourneyStore(Options.Create(new SqliteOptions { Path = _folder.File("store.db") }), clock));

    protected override async Task CloseAsync(IJourneyStore store) => await ((SqliteJourneyStore)store).DisposeAsync();

    public void Dispose() => _folder.Dispose();
}
