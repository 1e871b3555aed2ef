using System.Globalization;
using System.Text;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// A multi-row INSERT of up to <see cref="MaxRows"/> rows: a step's history entries and facts go in as one statement
/// each instead of one per row (the writer thread's per-statement cost). The texts and parameter names are built once,
/// so the writer's prepared statements are reused (one per row count).
/// </summary>
internal sealed class BulkInsert
{
    public const int MaxRows = 16;

    private readonly string[] _sql = new string[MaxRows + 1];
    private readonly string[][] _names = new string[MaxRows][];
    private readonly int _columns;

    public BulkInsert(string table, string[] columns, string onConflict)
    {
        _columns = columns.Length;
        for (var row = 0; row < MaxRows; row++)
        {
            _names[row] = [.. columns.Select(c => string.Create(CultureInfo.InvariantCulture, $"${c}{row}"))];
        }

        for (var count = 1; count <= MaxRows; count++)
        {
            var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            for (var row = 0; row < count; row++) sql.Append(row == 0 ? "" : ", ").Append('(').Append(string.Join(", ", _names[row])).Append(')');
            _sql[count] = sql.Append(' ').Append(onConflict).ToString();
        }
    }

    /// <summary>Adds the statements for <paramref name="values"/> (one array per row, in column order) to <paramref name="rows"/>.</summary>
    public void AddTo(List<SqliteJourneyStore.Row> rows, List<object?[]> values)
    {
        for (var start = 0; start < values.Count; start += MaxRows)
        {
            var count = Math.Min(MaxRows, values.Count - start);
            var parameters = new (string Name, object? Value)[count * _columns];
            for (var row = 0; row < count; row++)
            {
                var names = _names[row];
                var value = values[start + row];
                for (var c = 0; c < _columns; c++) parameters[(row * _columns) + c] = (names[c], value[c]);
            }

            rows.Add(new(_sql[count], parameters));
        }
    }
}
