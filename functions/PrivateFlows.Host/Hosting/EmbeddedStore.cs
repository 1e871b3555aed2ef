namespace PrivateFlows.Host.Hosting;

/// <summary>
/// The local host runs on the embedded SQLite engine only. <c>PrivateFlows:Store</c> used to offer Cosmos DB as a
/// second journey engine; Cosmos DB is now the Azure read model, written by the Durable Functions app, so a leftover
/// setting stops the start with what to do instead of running something else than asked.
/// </summary>
public static class EmbeddedStore
{
    public const string Key = "PrivateFlows:Store";

    public static void Check(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var store = configuration[Key];
        if (string.IsNullOrWhiteSpace(store) || store.Equals("Sqlite", StringComparison.OrdinalIgnoreCase)) return;
        throw new InvalidOperationException(
            $"{Key} is '{store}': the local host runs on the embedded SQLite store only; Cosmos DB is the Azure read model now, written by the Durable Functions app (docs/cosmos.md). Remove the setting.");
    }
}
