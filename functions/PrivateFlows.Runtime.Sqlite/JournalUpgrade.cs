using System.Globalization;
using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// Converts a file written before the journal (a <c>history</c> row per entry, a <c>journey_facts</c> row per fact) in
/// one transaction: each customer's entries become one journal row at seq 0 (below every version a step will write),
/// each customer's facts one step_facts row per journey linked from that row (so erasure still finds them), facts of
/// erased customers one row per journey; then the old tables go.
/// </summary>
internal static class JournalUpgrade
{
    private const int UnownedFactsPerRow = 1000;

    public static void Run(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var history = SqliteSchema.HasTable(connection, "history");
        if (history)
        {
            Each(connection, transaction, "SELECT instance_id, MIN(customer_id) FROM history GROUP BY instance_id", r => owners[r.GetString(0)] = r.GetString(1));
            Execute(connection, transaction, "INSERT OR IGNORE INTO journal_instances (instance_id, customer_id, seq) SELECT instance_id, MIN(customer_id), 0 FROM history GROUP BY instance_id");
        }

        var links = new Dictionary<string, (long Seq, List<string> Journeys)>(StringComparer.Ordinal);
        if (SqliteSchema.HasTable(connection, "journey_facts")) ConvertFacts(connection, transaction, owners, links);
        if (history) ConvertHistory(connection, transaction, links);
        Execute(connection, transaction, "DROP TABLE IF EXISTS history; DROP TABLE IF EXISTS journey_facts");
        transaction.Commit();
    }

    private static void ConvertFacts(SqliteConnection connection, SqliteTransaction transaction, Dictionary<string, string> owners, Dictionary<string, (long Seq, List<string> Journeys)> links)
    {
        var step = HasColumn(connection, transaction, "journey_facts", "step") ? "step" : "NULL";
        var owned = new Dictionary<(string Customer, string Journey), List<JourneyFact>>();
        var unowned = new Dictionary<string, List<JourneyFact>>(StringComparer.Ordinal);
        Each(connection, transaction, $"SELECT id, instance_id, journey, kind, at, version, variant, channel, amount, outcome, {step} FROM journey_facts ORDER BY rowid", r =>
        {
            var fact = new JourneyFact(r.GetString(0), r.GetString(1), r.GetString(2), Parse<JourneyFactKind>(r.GetString(3)), StoredTime.Parse(r.GetString(4)),
                Text(r, 5), Text(r, 6), Text(r, 7), r.IsDBNull(8) ? 0m : decimal.Parse(r.GetString(8), CultureInfo.InvariantCulture),
                r.IsDBNull(9) ? null : Parse<InstanceOutcome>(r.GetString(9)), Text(r, 10));
            var list = owners.TryGetValue(fact.InstanceId, out var customer)
                ? Get(owned, (customer, fact.Journey))
                : Get(unowned, fact.Journey);
            list.Add(fact);
        });

        var seq = 0L;
        foreach (var ((customer, journey), facts) in owned)
        {
            if (!links.TryGetValue(customer, out var link)) links[customer] = link = (++seq, []);
            link.Journeys.Add(journey);
            InsertFacts(connection, transaction, journey, link.Seq, facts);
        }

        foreach (var (journey, facts) in unowned)
        {
            for (var start = 0; start < facts.Count; start += UnownedFactsPerRow)
            {
                InsertFacts(connection, transaction, journey, ++seq, facts.GetRange(start, Math.Min(UnownedFactsPerRow, facts.Count - start)));
            }
        }
    }

    private static void ConvertHistory(SqliteConnection connection, SqliteTransaction transaction, Dictionary<string, (long Seq, List<string> Journeys)> links)
    {
        string? customer = null;
        var entries = new List<HistoryEntry>();
        void Flush()
        {
            if (customer is null) return;
            var link = links.TryGetValue(customer, out var l) ? l : ((long Seq, List<string> Journeys)?)null;
            Execute(connection, transaction, "INSERT INTO journal (customer_id, seq, entries, fact_seq, fact_journeys) VALUES ($customer, 0, $entries, $fact_seq, $fact_journeys)",
                ("$customer", customer), ("$entries", JournalEntries.Encode(entries)), ("$fact_seq", link?.Seq), ("$fact_journeys", link is { } j ? string.Join('\n', j.Journeys) : null));
            entries.Clear();
        }

        Each(connection, transaction, "SELECT customer_id, id, instance_id, journey, time, kind, step, detail FROM history ORDER BY customer_id, seq", r =>
        {
            var owner = r.GetString(0);
            if (!string.Equals(owner, customer, StringComparison.Ordinal))
            {
                Flush();
                customer = owner;
            }

            entries.Add(new HistoryEntry(r.GetString(1), r.GetString(2), r.GetString(3), StoredTime.Parse(r.GetString(4)), Parse<HistoryKind>(r.GetString(5)), Text(r, 6), r.GetString(7)));
        });
        Flush();
    }

    private static void InsertFacts(SqliteConnection connection, SqliteTransaction transaction, string journey, long seq, List<JourneyFact> facts) =>
        Execute(connection, transaction, "INSERT INTO step_facts (journey, seq, facts) VALUES ($journey, $seq, $facts)", ("$journey", journey), ("$seq", seq), ("$facts", StepFacts.Encode(facts)));

    private static List<JourneyFact> Get<TKey>(Dictionary<TKey, List<JourneyFact>> groups, TKey key) where TKey : notnull
    {
        if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
        return list;
    }

    private static bool HasColumn(SqliteConnection connection, SqliteTransaction transaction, string table, string column)
    {
        var found = false;
        Each(connection, transaction, $"SELECT name FROM pragma_table_info('{table}')", r => found |= r.GetString(0) == column);
        return found;
    }

    private static void Each(SqliteConnection connection, SqliteTransaction transaction, string sql, Action<SqliteDataReader> row)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read()) row(reader);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static T Parse<T>(string text) where T : struct, Enum => Enum.Parse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
}
