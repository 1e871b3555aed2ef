using Microsoft.Extensions.DependencyInjection;

namespace PrivateFlows.Runtime.Sqlite;

public static class SqliteRuntimeBuilderExtensions
{
    /// <summary>
    /// The embedded store: one SQLite file in WAL mode (<c>PrivateFlows:Sqlite</c>, validated at start-up) holds the
    /// inbox, customer documents, timer index, history, ledgers and statistics; processed events' bodies are dropped
    /// after <see cref="SqliteOptions.EventBodyRetentionDays"/>.
    /// </summary>
    public static PrivateFlowsRuntimeBuilder UseSqlite(this PrivateFlowsRuntimeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SqliteOptions>().Bind(builder.Configuration.GetSection(SqliteOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.UseStore<SqliteJourneyStore>();
        builder.Services.AddHostedService<EventBodyRetention>();
        return builder;
    }
}
