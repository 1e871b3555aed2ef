using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace PrivateFlows.Benchmarks;

/// <summary>
/// The physical limit: upserts of customer-sized documents into a SQLite file in WAL mode with the same
/// synchronous setting as the engine, one transaction per upsert (what DESIGN.md measured) and 500 per transaction.
/// </summary>
public static class RawSqlite
{
    public static void Run(Scale scale, Results results, string folder, int documentBytes)
    {
        var payload = new string('x', documentBytes);
        foreach (var (label, perTransaction) in new[] { ("one upsert per transaction", 1), ("500 upserts per transaction", 500) })
        {
            var path = Path.Combine(folder, $"raw-{perTransaction}.db");
            using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                connection.Open();
                Exec(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE docs (id TEXT PRIMARY KEY, version INTEGER NOT NULL, document TEXT NOT NULL);");
                using var upsert = connection.CreateCommand();
                upsert.CommandText = "INSERT INTO docs (id, version, document) VALUES ($id, 1, $doc) ON CONFLICT (id) DO UPDATE SET version = version + 1, document = excluded.document";
                var id = upsert.Parameters.Add("$id", SqliteType.Text);
                var doc = upsert.Parameters.Add("$doc", SqliteType.Text);
                doc.Value = payload;
                upsert.Prepare();
                var keys = Math.Max(1, scale.Customers);
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < scale.RawUpserts;)
                {
                    using var transaction = connection.BeginTransaction();
                    upsert.Transaction = transaction;
                    for (var j = 0; j < perTransaction && i < scale.RawUpserts; j++, i++)
                    {
                        id.Value = $"c-{i % keys:D7}";
                        upsert.ExecuteNonQuery();
                    }

                    transaction.Commit();
                }

                watch.Stop();
                results.Add("SQLite physical limit", $"upserts/s, {label}", scale.RawUpserts / watch.Elapsed.TotalSeconds, "upserts/s",
                    $"{scale.RawUpserts:N0} upserts of {documentBytes:N0}-byte documents over {keys:N0} keys, WAL, synchronous=NORMAL");
            }

            SqliteConnection.ClearAllPools();
        }
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
