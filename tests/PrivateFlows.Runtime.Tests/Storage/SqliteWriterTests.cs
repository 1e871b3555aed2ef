using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>The single writer's group commit: writes share a transaction, and a failing write fails alone.</summary>
public sealed class SqliteWriterTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private SqliteConnection _connection = null!;
    private SqliteWriter _writer = null!;

    public Task InitializeAsync()
    {
        _connection = new SqliteConnection($"Data Source={_folder.File("writer.db")}");
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (id TEXT PRIMARY KEY)";
        create.ExecuteNonQuery();
        _writer = new SqliteWriter(_connection, 512);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _connection.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private Task Insert(string id, Exception? thenThrow = null) => _writer.WriteAsync(scope =>
    {
        scope.Execute("INSERT INTO t (id) VALUES ($id)", ("$id", id));
        if (thenThrow is not null) throw thenThrow;
    });

    [Fact]
    public async Task WriteAsync_FailureAfterAWriteChangedRows_OnlyThatWriteIsUndone()
    {
        var writes = Enumerable.Range(0, 60)
            .Select(i => i == 30 ? Insert("broken", new InvalidOperationException("boom")) : Insert($"r{i}"))
            .ToList();

        var failed = await Outcomes(writes);

        failed.Should().Equal(30);
        Ids().Should().HaveCount(59).And.NotContain("broken");
    }

    [Fact]
    public async Task WriteAsync_ConflictBeforeAnyChange_FailsAloneAndTheOthersCommit()
    {
        var writes = Enumerable.Range(0, 60)
            .Select(i => i % 20 == 7
                ? _writer.WriteAsync(_ => throw ConcurrencyConflictException.For($"c{i}", 1))
                : Insert($"r{i}"))
            .ToList();

        var failed = await Outcomes(writes);

        failed.Should().Equal(7, 27, 47);
        Ids().Should().HaveCount(57);
        writes[7].Exception!.InnerException.Should().BeOfType<ConcurrencyConflictException>();
    }

    private static async Task<List<int>> Outcomes(List<Task> writes)
    {
        var failed = new List<int>();
        for (var i = 0; i < writes.Count; i++)
        {
            try
            {
                await writes[i];
            }
            catch (Exception e) when (e is InvalidOperationException or ConcurrencyConflictException)
            {
                failed.Add(i);
            }
        }

        return failed;
    }

    private List<string> Ids()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT id FROM t";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read()) ids.Add(reader.GetString(0));
        return ids;
    }
}
