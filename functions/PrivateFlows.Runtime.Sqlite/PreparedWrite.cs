using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// One write statement of the writer, prepared once on its connection and run through SQLite's own interface: binding
/// a value through <see cref="SqliteCommand"/> looks each parameter's index up by name (a UTF-8 copy of the name) and
/// inspects the value's type, and every execution opens a data reader; together that was half of the writer thread's
/// CPU. Here the indexes are looked up once per statement and the values bound by their type. Anything else (a
/// statement that returns rows or holds several, a value of another type, a busy database) goes through
/// <see cref="SqliteCommand"/> as before: <see cref="TryExecute"/> then says false and has changed nothing.
/// </summary>
internal sealed class PreparedWrite : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int _count;
    private string[] _names = [];
    private int[] _indexes = [];

    private PreparedWrite(sqlite3 db, sqlite3_stmt statement)
    {
        _db = db;
        _statement = statement;
        _count = raw.sqlite3_bind_parameter_count(statement);
    }

    /// <summary>The statement prepared, or null when it is not one this class runs (see the class).</summary>
    public static PreparedWrite? Prepare(SqliteConnection connection, string sql)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the writer's connection is not open");
        if (raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var statement, out var tail) != raw.SQLITE_OK || statement is null) return null;
        if (!string.IsNullOrWhiteSpace(tail) || raw.sqlite3_column_count(statement) != 0)
        {
            statement.Dispose();
            return null;
        }

        return new PreparedWrite(db, statement);
    }

    /// <summary>Binds, runs and resets the statement; the rows it changed. False: nothing ran (see the class).</summary>
    /// <remarks>Compiled optimised at once: the writer runs it for every row, and unoptimised type tests were a quarter of its time in a short run.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryExecute((string Name, object? Value)[] parameters, out int changed)
    {
        changed = 0;
        if (!Indexed(parameters)) return false;
        for (var i = 0; i < parameters.Length; i++)
        {
            if (!Bind(_indexes[i], parameters[i].Value)) return false;
        }

        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_DONE)
        {
            changed = raw.sqlite3_changes(_db);
            raw.sqlite3_reset(_statement);
            return true;
        }

        raw.sqlite3_reset(_statement);
        // Busy or locked: SqliteCommand waits and retries (nothing of the statement was applied).
        if (rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED) return false;
        SqliteException.ThrowExceptionForRC(rc, _db);
        throw new InvalidOperationException($"SQLite returned {rc} for a write statement");
    }

    /// <summary>Every parameter of the statement gets a value (a stale binding would be written otherwise).</summary>
    private bool Indexed((string Name, object? Value)[] parameters)
    {
        if (parameters.Length != _count) return false;
        if (Same(parameters)) return true;
        var indexes = new int[parameters.Length];
        var names = new string[parameters.Length];
        var seen = new HashSet<int>();
        for (var i = 0; i < parameters.Length; i++)
        {
            names[i] = parameters[i].Name;
            indexes[i] = raw.sqlite3_bind_parameter_index(_statement, parameters[i].Name);
            if (indexes[i] <= 0 || !seen.Add(indexes[i])) return false;
        }

        _names = names;
        _indexes = indexes;
        return true;
    }

    private bool Same((string Name, object? Value)[] parameters)
    {
        if (_names.Length != parameters.Length) return false;
        for (var i = 0; i < parameters.Length; i++)
        {
            if (!string.Equals(_names[i], parameters[i].Name, StringComparison.Ordinal)) return false;
        }

        return true;
    }

    /// <summary>The types the store's writes use, bound as <see cref="SqliteCommand"/> binds them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Bind(int index, object? value)
    {
        var rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_statement, index),
            string text => raw.sqlite3_bind_text16(_statement, index, text),
            long number => raw.sqlite3_bind_int64(_statement, index, number),
            int number => raw.sqlite3_bind_int64(_statement, index, number),
            bool flag => raw.sqlite3_bind_int64(_statement, index, flag ? 1 : 0),
            double real => raw.sqlite3_bind_double(_statement, index, real),
            byte[] { Length: 0 } => raw.sqlite3_bind_zeroblob(_statement, index, 0), // an empty blob, not NULL
            byte[] bytes => raw.sqlite3_bind_blob(_statement, index, bytes),
            _ => -1,
        };
        if (rc == -1) return false;
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
        return true;
    }

    public void Dispose() => _statement.Dispose();
}
