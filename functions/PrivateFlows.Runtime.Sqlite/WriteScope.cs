using Microsoft.Data.Sqlite;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// The writer's connection inside the current transaction; statements are prepared once and reused. Writes run as a
/// <see cref="PreparedWrite"/> where they can (the writer thread's binding cost), else as a <see cref="SqliteCommand"/>.
/// </summary>
internal sealed class WriteScope(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PreparedWrite?> _writes = new(StringComparer.Ordinal);

    public SqliteTransaction? Transaction { get; set; }

    public SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Transaction = Transaction;
        var existing = command.Parameters;
        if (existing.Count == parameters.Length && Same(existing, parameters))
        {
            // Same statement, same parameter names: only the values change (no new parameter objects per execution).
            for (var i = 0; i < parameters.Length; i++) existing[i].Value = parameters[i].Value ?? DBNull.Value;
            return command;
        }

        existing.Clear();
        foreach (var (name, value) in parameters) existing.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static bool Same(SqliteParameterCollection existing, (string Name, object? Value)[] parameters)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            if (!string.Equals(existing[i].ParameterName, parameters[i].Name, StringComparison.Ordinal)) return false;
        }

        return true;
    }

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_writes.TryGetValue(sql, out var write)) _writes[sql] = write = PreparedWrite.Prepare(connection, sql);
        return write is not null && write.TryExecute(parameters, out var changed) ? changed : Command(sql, parameters).ExecuteNonQuery();
    }

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters) => Command(sql, parameters).ExecuteScalar();

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
        foreach (var write in _writes.Values) write?.Dispose();
        _writes.Clear();
    }
}
