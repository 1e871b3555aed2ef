using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>
/// The writer's statements run through SQLite's own interface (PreparedWrite) and store what SqliteCommand stored;
/// what they cannot run is left to SqliteCommand, untouched.
/// </summary>
public sealed class SqlitePreparedWriteTests : IDisposable
{
    private const string Insert = "INSERT INTO t (k, text, number, flag, real, blob) VALUES ($k, $text, $number, $flag, $real, $blob) ON CONFLICT (k) DO NOTHING";

    private readonly TempFolder _folder = new();
    private readonly SqliteConnection _connection;

    public SqlitePreparedWriteTests()
    {
        _connection = new SqliteConnection($"Data Source={_folder.File("w.db")};Pooling=False");
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = "CREATE TABLE t (k TEXT PRIMARY KEY, text TEXT, number INTEGER, flag INTEGER, real REAL, blob BLOB)";
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _connection.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void TryExecute_ValuesOfEveryTypeTheStoreWrites_StoresWhatSqliteCommandStores()
    {
        using var write = PreparedWrite.Prepare(_connection, Insert)!;
        (string, object?)[] Row(string k, object? text, object? blob) => [("$k", k), ("$text", text), ("$number", 1L << 40), ("$flag", true), ("$real", 2.5), ("$blob", blob)];
        var rows = new[] { Row("a", "茶 é", new byte[] { 1, 2, 3 }), Row("b", null, Array.Empty<byte>()), Row("c", DBNull.Value, null) };

        foreach (var row in rows)
        {
            write.TryExecute(row, out var changed).Should().BeTrue();
            changed.Should().Be(1);
        }

        write.TryExecute(rows[0], out var again).Should().BeTrue();
        again.Should().Be(0, "the key exists: nothing inserted");
        var prepared = Read();
        Exec("DELETE FROM t");
        foreach (var row in rows) Command(Insert, row).ExecuteNonQuery();
        Read().Should().Equal(prepared);
        prepared[0].Should().Be("a|text:茶 é|integer:1099511627776|integer:1|real:2.5|blob:010203");
        prepared[1].Should().Be("b|null:|integer:1099511627776|integer:1|real:2.5|blob:", "an empty blob stays a blob (a dropped event body)");
    }

    [Fact]
    public void TryExecute_AParameterLeftOutOrAValueOfAnotherType_RunsNothing()
    {
        using var write = PreparedWrite.Prepare(_connection, Insert)!;
        write.TryExecute([("$k", "a"), ("$text", "x"), ("$number", 1L), ("$flag", 0), ("$real", 1.0), ("$blob", null)], out _).Should().BeTrue();

        // Bindings outlive an execution: a missing value would write the previous row's.
        write.TryExecute([("$k", "b"), ("$text", "x"), ("$number", 1L), ("$flag", 0), ("$real", 1.0)], out _).Should().BeFalse();
        write.TryExecute([("$k", "c"), ("$text", "x"), ("$number", 1.5m), ("$flag", 0), ("$real", 1.0), ("$blob", null)], out _).Should().BeFalse();

        Read().Should().ContainSingle().Which.Should().StartWith("a|");
    }

    [Theory]
    [InlineData("SELECT k FROM t")]
    [InlineData("INSERT INTO t (k) VALUES ($k) RETURNING k")]
    [InlineData("DELETE FROM t; DELETE FROM t")]
    [InlineData("INSERT INTO missing (k) VALUES ($k)")]
    public void Prepare_AStatementThatReturnsRowsHoldsSeveralOrDoesNotCompile_IsLeftToSqliteCommand(string sql) =>
        PreparedWrite.Prepare(_connection, sql).Should().BeNull();

    [Fact]
    public void TryExecute_AConstraintFails_ThrowsTheSqliteErrorAndTheStatementRunsAgain()
    {
        Exec("CREATE TABLE u (k TEXT PRIMARY KEY)");
        using var write = PreparedWrite.Prepare(_connection, "INSERT INTO u (k) VALUES ($k)")!;
        write.TryExecute([("$k", "a")], out _).Should().BeTrue();

        FluentActions.Invoking(() => write.TryExecute([("$k", "a")], out _)).Should().Throw<SqliteException>().Which.SqliteErrorCode.Should().Be(19);
        write.TryExecute([("$k", "b")], out var changed).Should().BeTrue();
        changed.Should().Be(1);
    }

    private List<string> Read()
    {
        using var command = Command("SELECT k, typeof(text) || ':' || COALESCE(text, ''), typeof(number) || ':' || number, typeof(flag) || ':' || flag, " +
            "typeof(real) || ':' || real, typeof(blob) || ':' || COALESCE(hex(blob), '') FROM t ORDER BY k");
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add(string.Join('|', Enumerable.Range(0, 6).Select(reader.GetString)));
        return rows;
    }

    private void Exec(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
