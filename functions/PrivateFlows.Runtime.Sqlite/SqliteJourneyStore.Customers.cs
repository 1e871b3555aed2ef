using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    // An erased customer (tombstone) is never created again: the insert does nothing, the step sees a conflict.
    private const string InsertCustomer = """
        INSERT INTO customers (id, version, pending, document)
        SELECT $id, 1, $pending, $document WHERE NOT EXISTS (SELECT 1 FROM tombstones WHERE id_hash = $tombstone)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string ReplaceCustomer = """
        UPDATE customers SET version = version + 1, pending = $pending, document = $document
        WHERE id = $id AND version = $expected
        """;

    private const string UpsertReferral = """
        INSERT INTO referrals (referee_id, referrer_id, accepted_at) VALUES ($referee, $referrer, $at)
        ON CONFLICT (referee_id) DO UPDATE SET referrer_id = excluded.referrer_id, accepted_at = excluded.accepted_at
        WHERE referrer_id <> excluded.referrer_id OR accepted_at <> excluded.accepted_at
        """;

    public Task<IReadOnlyList<AcceptedReferral>> ReadReferralsAsync(string referrerId, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AcceptedReferral>>(Read(c => Query(c,
            "SELECT referee_id, accepted_at FROM referrals WHERE referrer_id = $referrer AND accepted_at >= $since ORDER BY accepted_at",
            r => new AcceptedReferral(r.GetString(0), StoredTime.FromMillis(r.GetInt64(1))), ("$referrer", referrerId), ("$since", StoredTime.Millis(since)))));

    public Task<CustomerDocument?> ReadCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Every step reads its customer: a pooled connection with the statement prepared once.
        var reader = _customerReaders.TryTake(out var pooled) ? pooled : new CustomerReader(_connectionString);
        try
        {
            var document = reader.Read(customerId);
            _customerReaders.Add(reader);
            return Task.FromResult(document);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private sealed class CustomerReader : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _command;
        private readonly SqliteParameter _id;

        public CustomerReader(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            using (var pragma = _connection.CreateCommand())
            {
                pragma.CommandText = $"PRAGMA mmap_size={MmapBytes}";
                pragma.ExecuteNonQuery();
            }

            _command = _connection.CreateCommand();
            _command.CommandText = "SELECT version, document FROM customers WHERE id = $id";
            _id = _command.Parameters.Add("$id", SqliteType.Text);
            _command.Prepare();
        }

        public CustomerDocument? Read(string customerId)
        {
            _id.Value = customerId;
            using var r = _command.ExecuteReader();
            return r.Read() ? Document(r, 1) with { Version = r.GetInt64(0) } : null;
        }

        public void Dispose()
        {
            _command.Dispose();
            _connection.Dispose();
        }
    }

    public Task<CustomerDocument> CommitStepAsync(StepCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        // Everything is serialised and compressed here, in the caller's thread: the writer thread only binds and steps.
        var stored = CompressedJson.Documents.Serialize(commit.Document, RuntimeJson.Options);
        var now = Now;
        var write = commit.Write ?? StepWrite.Plan(commit.Previous, commit.ExpectedVersion, commit.Document, [], [], now);
        // A batched step's earlier inputs first, in order, so the rows end up as sequential steps would leave them.
        var rows = new List<Row>();
        foreach (var earlier in commit.Earlier) rows.AddRange(Rows(earlier, earlier.Write ?? throw new ArgumentException("an earlier input of a batched step carries its rows", nameof(commit))));
        rows.AddRange(Rows(commit, write)); // SqliteJourneyStore.Rows.cs
        rows.AddRange(JournalRows(commit, write)); // history and facts of the whole step (SqliteJourneyStore.Rows.cs)
        var document = Replacement(commit.Document, commit.ExpectedVersion, stored);
        return _writer.WriteAsync(scope =>
        {
            if (scope.Execute(document.Sql, document.Parameters) != 1) throw ConcurrencyConflictException.For(commit.Document.CustomerId, commit.ExpectedVersion);
            foreach (var row in rows)
            {
                if (scope.Execute(row.Sql, row.Parameters) == 0 && row.OtherwiseSql is { } otherwise) scope.Execute(otherwise, row.Parameters);
            }

            return commit.Document with { Version = commit.ExpectedVersion + 1 };
        }, cancellationToken);
    }

    public Task MarkConsumedAsync(string customerId, string? eventId, string? timerId, CancellationToken cancellationToken = default) =>
        _writer.WriteAsync(scope =>
        {
            if (eventId is not null) scope.Execute(ConsumeEvent, ("$id", eventId));
            if (timerId is not null) scope.Execute(DeleteTimer, ("$customer", customerId), ("$id", timerId));
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ReadCustomersWithPendingEffectsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(Read(c => Query(c, "SELECT id FROM customers WHERE pending > 0", r => r.GetString(0))));

    public async Task<bool> EraseCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var erased = await _writer.WriteAsync(scope =>
        {
            var instances = AnonymiseAndTombstone(scope, customerId, StoredTime.Text(Now));
            var removed = 0;
            foreach (var instance in instances) removed += scope.Execute("DELETE FROM journal_instances WHERE instance_id = $id", ("$id", instance));
            removed += scope.Execute("DELETE FROM customers WHERE id = $id", ("$id", customerId));
            removed += scope.Execute("DELETE FROM referrals WHERE referee_id = $id OR referrer_id = $id", ("$id", customerId));
            scope.Execute($"DELETE FROM inbox_pending WHERE seq IN ({SeqsOfCustomer})", ("$customer", customerId), ("$after", 0));
            removed += scope.Execute($"DELETE FROM events WHERE seq IN ({SeqsOfCustomer})", ("$customer", customerId), ("$after", 0));

            foreach (var table in new[] { "timers", "journal", "poison", "messages", "points_ledger", "coupons", "instance_steps" })
            {
                removed += scope.Execute($"DELETE FROM {table} WHERE customer_id = $id", ("$id", customerId));
            }

            return removed > 0;
        }, cancellationToken).ConfigureAwait(false);

        // secure_delete zeroed the rows in the pages the erasure wrote, but the WAL still holds the older images of
        // those pages: copy them home and cut the WAL to zero bytes.
        await _writer.TruncateWalAsync().ConfigureAwait(false);
        return erased;
    }

    /// <summary>Inserts (expected version 0) or replaces the document if it is still at the expected version: one row changed, else a conflict.</summary>
    private static Row Replacement(CustomerDocument document, long expected, byte[] stored)
    {
        var pending = document.PendingEffects.Length;
        return expected == 0
            ? new(InsertCustomer, [("$id", document.CustomerId), ("$pending", pending), ("$document", stored), ("$tombstone", Tombstones.Hash(document.CustomerId))])
            : new(ReplaceCustomer, [("$id", document.CustomerId), ("$pending", pending), ("$document", stored), ("$expected", expected)]);
    }

    /// <summary>The customer document in column <paramref name="ordinal"/> (compressed JSON, see <see cref="CompressedJson"/>).</summary>
    private static CustomerDocument Document(SqliteDataReader reader, int ordinal) =>
        CompressedJson.Documents.Deserialize<CustomerDocument>(StoredBytes(reader, ordinal, "customer document"), RuntimeJson.Options);

    /// <summary>A compressed JSON column; text there would be a row an upgrade at open (SqliteSchema.Upgrade) missed.</summary>
    private static byte[] StoredBytes(SqliteDataReader reader, int ordinal, string what) =>
        reader.GetValue(ordinal) as byte[] ?? throw new InvalidDataException($"a {what} is not stored compressed");
}
