using Microsoft.Extensions.DependencyInjection;

namespace PrivateFlows.Runtime.Sqlite;

public static class SqliteRuntimeBuilderExtensions
{
    /// <summary>
    /// The embedded store: one SQLite file in WAL mode (<c>PrivateFlows:Sqlite</c>, validated at start-up) holds the
    /// inbox, customer documents, timer index, history, ledgers and statistics.
    /// </summary>
    public static PrivateFlowsRuntimeBuilder UseSqlite(this PrivateFlowsRuntimeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SqliteOptions>().Bind(builder.Configuration.GetSection(SqliteOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        return builder.UseStore<SqliteJourneyStore>();
    }
}
