using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>The WAL stays bounded under a writer that never pauses: PASSIVE copies beside it, RESTART runs between its transactions.</summary>
public sealed class SqliteCheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task RestartWal_PassiveCheckpointHeldBackByAReader_NextTransactionsStartTheWalOver()
    {
        var (writer, side, connection) = await BusyWalAsync("restart.db");
        await using var _ = connection;
        await using var __ = writer;
        using var ___ = side;

        writer.RestartWal();
        await InsertAsync(writer); // the restart checkpoint runs after this transaction
        await InsertAsync(writer); // and this one starts the WAL over

        SqliteCheckpointer.Checkpoint(side, "PASSIVE").Should().BeLessThan(20, "the WAL started from its beginning after the restart");
        Scalar(side, "SELECT COUNT(*) FROM t").Should().Be(202);
    }

    [Fact]
    public async Task Writes_PassiveCheckpointHeldBackByAReader_WalKeepsGrowingWithoutRestart()
    {
        var (writer, side, connection) = await BusyWalAsync("grow.db");
        await using var _ = connection;
        await using var __ = writer;
        using var ___ = side;

        await InsertAsync(writer);
        await InsertAsync(writer);

        SqliteCheckpointer.Checkpoint(side, "PASSIVE").Should().BeGreaterThan(200, "a checkpoint that never caught up completely never lets the WAL start over");
    }

    /// <summary>200 commits, with a PASSIVE checkpoint that a reader's snapshot kept from copying the second half (as under steady load).</summary>
    private async Task<(SqliteWriter Writer, SqliteConnection Side, SqliteConnection Connection)> BusyWalAsync(string name)
    {
        var path = _folder.File(name);
        var connection = Open(path);
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT);");
        var writer = new SqliteWriter(connection, 64);
        for (var i = 0; i < 100; i++) await InsertAsync(writer);
        var side = Open(path);
        using (var reader = Open(path))
        {
            using var snapshot = reader.BeginTransaction(deferred: true);
            Scalar(reader, "SELECT COUNT(*) FROM t").Should().Be(100);
            for (var i = 0; i < 100; i++) await InsertAsync(writer);
            SqliteCheckpointer.Checkpoint(side, "PASSIVE").Should().BeGreaterThan(200);
        }

        return (writer, side, connection);
    }

    private static Task InsertAsync(SqliteWriter writer) =>
        writer.WriteAsync(scope => scope.Execute("INSERT INTO t (body) VALUES ($b)", ("$b", new string('x', 3000))));

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _folder.Dispose();
}
