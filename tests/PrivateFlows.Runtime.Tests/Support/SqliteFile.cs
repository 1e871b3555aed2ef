using Microsoft.Data.Sqlite;

namespace PrivateFlows.Runtime.Tests.Support;

/// <summary>Looks into a SQLite file from outside the store, on a connection of its own (no pool).</summary>
public static class SqliteFile
{
    /// <summary>The first column of the first row of <paramref name="sql"/>.</summary>
    public static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
