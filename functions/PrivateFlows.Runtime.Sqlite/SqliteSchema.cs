using Microsoft.Data.Sqlite;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>The embedded store's tables. Created if missing; every statement is idempotent.</summary>
internal static class SqliteSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS customers (
            id          TEXT PRIMARY KEY,
            version     INTEGER NOT NULL,
            pending     INTEGER NOT NULL DEFAULT 0,
            document    BLOB NOT NULL -- format-2 JSON, compressed (CompressedJson): about half a page, no overflow page
        );
        CREATE INDEX IF NOT EXISTS customers_pending ON customers (pending) WHERE pending > 0;

        """ + Inbox + """

        -- One unique index serves the lookups by customer and by (customer, timer id); the rowid orders a due instant.
        CREATE TABLE IF NOT EXISTS timers (
            id           TEXT NOT NULL,
            customer_id  TEXT NOT NULL,
            instance_id  TEXT NOT NULL,
            due_at       INTEGER NOT NULL,
            UNIQUE (customer_id, id)
        );
        CREATE INDEX IF NOT EXISTS timers_due ON timers (due_at);

        -- A customer's history: one row per committed step (seq = the document version the step wrote, so a step's
        -- row is written once), its entries in one compact column (JournalEntries). fact_seq and fact_journeys name the
        -- step_facts rows the step wrote, so erasure finds the customer's facts without an index on them.
        CREATE TABLE IF NOT EXISTS journal (
            customer_id    TEXT NOT NULL,
            seq            INTEGER NOT NULL,
            entries        BLOB NOT NULL,
            fact_seq       INTEGER,
            fact_journeys  TEXT,
            PRIMARY KEY (customer_id, seq)
        ) WITHOUT ROWID;

        -- Whose an instance is (ended ones too) and the journal row it first appears in: written once per instance.
        CREATE TABLE IF NOT EXISTS journal_instances (
            instance_id  TEXT PRIMARY KEY,
            customer_id  TEXT NOT NULL,
            seq          INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS journey_versions (
            name          TEXT NOT NULL,
            number        INTEGER NOT NULL,
            version       TEXT NOT NULL,
            yaml          TEXT NOT NULL,
            templates     TEXT NOT NULL,
            published_at  TEXT NOT NULL,
            PRIMARY KEY (name, number),
            UNIQUE (name, version)
        );

        CREATE TABLE IF NOT EXISTS poison (
            seq          INTEGER PRIMARY KEY AUTOINCREMENT,
            input_id     TEXT NOT NULL UNIQUE,
            customer_id  TEXT NOT NULL,
            kind         TEXT NOT NULL,
            body         TEXT NOT NULL,
            reason       TEXT NOT NULL,
            attempts     INTEGER NOT NULL,
            parked_at    TEXT NOT NULL,
            status       TEXT NOT NULL DEFAULT 'parked', -- parked | resolved (an ops retry processed it)
            retries      INTEGER NOT NULL DEFAULT 0,
            resolved_at  TEXT
        );
        CREATE INDEX IF NOT EXISTS poison_customer ON poison (customer_id);

        CREATE TABLE IF NOT EXISTS messages (
            seq          INTEGER PRIMARY KEY AUTOINCREMENT,
            effect_id    TEXT NOT NULL UNIQUE,
            customer_id  TEXT NOT NULL,
            instance_id  TEXT,
            journey      TEXT,
            step         TEXT,
            channel      TEXT NOT NULL,
            category     TEXT,
            template     TEXT,
            locale       TEXT,
            subject      TEXT,
            body         TEXT NOT NULL,
            address      TEXT,
            via          TEXT NOT NULL,
            status       TEXT NOT NULL,
            attempts     INTEGER NOT NULL,
            detail       TEXT,
            at           TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS messages_customer ON messages (customer_id, seq);

        CREATE TABLE IF NOT EXISTS points_ledger (
            seq          INTEGER PRIMARY KEY AUTOINCREMENT,
            entry_id     TEXT NOT NULL UNIQUE,
            customer_id  TEXT NOT NULL,
            instance_id  TEXT,
            points       INTEGER NOT NULL,
            rule         TEXT NOT NULL,
            reason       TEXT NOT NULL,
            status       TEXT NOT NULL,
            expires_at   TEXT,
            at           TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS points_customer ON points_ledger (customer_id, seq);

        CREATE TABLE IF NOT EXISTS coupons (
            code         TEXT PRIMARY KEY,
            effect_id    TEXT NOT NULL UNIQUE,
            customer_id  TEXT NOT NULL,
            instance_id  TEXT NOT NULL,
            coupon       TEXT NOT NULL,
            amount       TEXT NOT NULL,
            expires_at   TEXT,
            issued_at    TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS coupons_customer ON coupons (customer_id);

        -- Who referred whom: the referral anti-fraud check needs a referrer's recent referrals.
        CREATE TABLE IF NOT EXISTS referrals (
            referee_id   TEXT PRIMARY KEY,
            referrer_id  TEXT NOT NULL,
            accepted_at  INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS referrals_referrer ON referrals (referrer_id, accepted_at);

        -- Anonymous facts about journey instances (statistics), one row per step and journey (StepFacts), appended at the
        -- end of the journey's range (seq only grows). No customer id: erasure re-keys a customer's rows.
        CREATE TABLE IF NOT EXISTS step_facts (
            journey  TEXT NOT NULL,
            seq      INTEGER NOT NULL,
            facts    BLOB NOT NULL,
            PRIMARY KEY (journey, seq)
        ) WITHOUT ROWID;

        -- In-flight (not ended) journey instances and the step each is at, kept in the transaction of every customer
        -- commit (the document is the truth; this is its index): the live counts per step.
        -- Clustered by customer (WITHOUT ROWID): one b-tree, and a customer's rows sit together.
        CREATE TABLE IF NOT EXISTS instance_steps (
            customer_id  TEXT NOT NULL,
            instance_id  TEXT NOT NULL,
            journey      TEXT NOT NULL,
            version      TEXT NOT NULL,
            step         TEXT NOT NULL,
            faulted      INTEGER NOT NULL,
            PRIMARY KEY (customer_id, instance_id)
        ) WITHOUT ROWID;

        -- instance_steps counted per journey, version and step ('' = between steps), kept by the triggers below, so
        -- reading the live counts of a journey reads a few rows whatever the number of instances.
        CREATE TABLE IF NOT EXISTS step_counts (
            journey  TEXT NOT NULL,
            version  TEXT NOT NULL,
            step     TEXT NOT NULL,
            active   INTEGER NOT NULL,
            faulted  INTEGER NOT NULL,
            PRIMARY KEY (journey, version, step)
        );
        CREATE TRIGGER IF NOT EXISTS instance_steps_added AFTER INSERT ON instance_steps BEGIN
            INSERT INTO step_counts (journey, version, step, active, faulted) VALUES (NEW.journey, NEW.version, NEW.step, 1 - NEW.faulted, NEW.faulted)
            ON CONFLICT (journey, version, step) DO UPDATE SET active = active + excluded.active, faulted = faulted + excluded.faulted;
        END;
        CREATE TRIGGER IF NOT EXISTS instance_steps_removed AFTER DELETE ON instance_steps BEGIN
            UPDATE step_counts SET active = active - (1 - OLD.faulted), faulted = faulted - OLD.faulted
            WHERE journey = OLD.journey AND version = OLD.version AND step = OLD.step;
        END;
        CREATE TRIGGER IF NOT EXISTS instance_steps_moved AFTER UPDATE ON instance_steps BEGIN
            UPDATE step_counts SET active = active - (1 - OLD.faulted), faulted = faulted - OLD.faulted
            WHERE journey = OLD.journey AND version = OLD.version AND step = OLD.step;
            INSERT INTO step_counts (journey, version, step, active, faulted) VALUES (NEW.journey, NEW.version, NEW.step, 1 - NEW.faulted, NEW.faulted)
            ON CONFLICT (journey, version, step) DO UPDATE SET active = active + excluded.active, faulted = faulted + excluded.faulted;
        END;

        -- Erased customers, by a hash of their id: late inputs for them are dropped and counted here.
        CREATE TABLE IF NOT EXISTS tombstones (
            id_hash         TEXT PRIMARY KEY,
            erased_at       TEXT NOT NULL,
            dropped_events  INTEGER NOT NULL DEFAULT 0,
            dropped_timers  INTEGER NOT NULL DEFAULT 0
        );

        -- A/B winners declared from journey statistics (the first declaration stands).
        CREATE TABLE IF NOT EXISTS winners (
            journey      TEXT PRIMARY KEY,
            variant      TEXT NOT NULL,
            confidence   REAL NOT NULL,
            metric       TEXT NOT NULL,
            declared_at  TEXT NOT NULL
        );
        """;

    /// <summary>
    /// The inbox and, kept afterwards, the customer's timeline. Times are UTC ticks; the body holds the event's source
    /// and data (the rest are columns), compressed (CompressedJson), and is empty once dropped.
    /// An event is pending while its seq is in <c>inbox_pending</c> (the trigger adds it as the event is accepted; the
    /// step that consumes it deletes it), so consuming an event never rewrites its row and body. <c>status</c> is
    /// 'accepted' as written, 'poison' once parked, and 'pending' or 'done' in rows written before
    /// <see cref="PendingTableVersion"/> (an old 'pending' row is in <c>inbox_pending</c> like a new one).
    /// </summary>
    private const string Inbox = """
        CREATE TABLE IF NOT EXISTS events (
            seq          INTEGER PRIMARY KEY AUTOINCREMENT,
            id           TEXT NOT NULL UNIQUE,
            customer_id  TEXT NOT NULL,
            type         TEXT NOT NULL,
            time         INTEGER NOT NULL,
            received_at  INTEGER NOT NULL,
            status       TEXT NOT NULL,
            body         BLOB NOT NULL
        );
        """ + Pending + Timeline;

    /// <summary>
    /// The inbox's pending events (see <see cref="Inbox"/>) by seq: appended in order, a few bytes each, so accepting
    /// and consuming an event touch a few small pages whatever the size of the timeline.
    /// </summary>
    private const string Pending = """
        CREATE TABLE IF NOT EXISTS inbox_pending (
            seq  INTEGER PRIMARY KEY
        );
        CREATE TRIGGER IF NOT EXISTS events_accepted AFTER INSERT ON events WHEN NEW.status = 'accepted' BEGIN
            INSERT INTO inbox_pending (seq) VALUES (NEW.seq);
        END;
        """;

    /// <summary>
    /// A customer's events by seq, for the timeline, export and erasure. An index on <c>events (customer_id)</c> took
    /// one random page per accepted event inside the ingest transactions (about 9% of the onboarding stream's rate, see
    /// docs/benchmarks.md, "Issue 19: the fifth round"); this table is filled behind the inbox instead, in bulk and in key
    /// order (<see cref="TimelineIndexer"/>), up to the seq in <c>event_timeline_mark</c>. Events after the mark are
    /// found by their seq range, a short scan (SqliteJourneyStore.SeqsOfCustomer). Rows written before
    /// <see cref="TimelineVersion"/> are moved here once.
    /// </summary>
    private const string Timeline = """

        CREATE TABLE IF NOT EXISTS event_timeline (
            customer_id  TEXT NOT NULL,
            seq          INTEGER NOT NULL,
            PRIMARY KEY (customer_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS event_timeline_mark (
            id    INTEGER PRIMARY KEY CHECK (id = 1),
            upto  INTEGER NOT NULL
        );
        INSERT OR IGNORE INTO event_timeline_mark (id, upto) VALUES (1, 0);
        CREATE TRIGGER IF NOT EXISTS events_removed AFTER DELETE ON events BEGIN
            DELETE FROM event_timeline WHERE customer_id = OLD.customer_id AND seq = OLD.seq;
        END;
        """;

    /// <summary>Run after <see cref="Create"/> when the store opens: brings a file made by an earlier version up to date.</summary>
    public static void Upgrade(SqliteConnection connection, bool instanceStepsExisted)
    {
        using var command = connection.CreateCommand();
        if (HasTable(connection, "history") || HasTable(connection, "journey_facts")) JournalUpgrade.Run(connection);

        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('poison') WHERE name = 'status'";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            // Poison retry (POST /api/poison/{id}/retry) keeps the retried inputs listed with their state.
            command.CommandText = "ALTER TABLE poison ADD COLUMN status TEXT NOT NULL DEFAULT 'parked'; ALTER TABLE poison ADD COLUMN retries INTEGER NOT NULL DEFAULT 0; ALTER TABLE poison ADD COLUMN resolved_at TEXT";
            command.ExecuteNonQuery();
        }

        if (!instanceStepsExisted)
        {
            // The index is new in this file: fill it from the customer documents once (the triggers count them).
            command.CommandText = """
                INSERT OR IGNORE INTO instance_steps (instance_id, customer_id, journey, version, step, faulted)
                SELECT json_extract(i.value, '$.instanceId'), c.id, json_extract(i.value, '$.journey'), json_extract(i.value, '$.version'),
                       COALESCE(json_extract(i.value, '$.stepId'), ''), COALESCE(json_extract(i.value, '$.status'), 'active') = 'faulted'
                FROM customers c, json_each(c.document, '$.state.instances') i
                WHERE COALESCE(json_extract(i.value, '$.status'), 'active') <> 'ended'
                """;
            command.ExecuteNonQuery();
        }

        CompactCustomersAndInbox(connection);
        MovePendingOutOfTheInboxRows(connection);
        MoveTimelineOutOfTheIndex(connection);

        // Gone since the timeline moved out of it (and an older build opening this file again creates it anew): nothing reads it.
        command.CommandText = "DROP INDEX IF EXISTS events_customer";
        command.ExecuteNonQuery();
    }

    /// <summary>The file's <c>user_version</c> from which a customer's events are found by <c>event_timeline</c>.</summary>
    internal const long TimelineVersion = 3;

    /// <summary>
    /// Files written before <see cref="TimelineVersion"/> found a customer's events by an index on <c>events</c>: every
    /// event moves to <c>event_timeline</c> (see <see cref="Timeline"/>) and the mark to the last seq, in one transaction
    /// with the version that says it is done; <see cref="Upgrade"/> then drops the index, as at every open.
    /// </summary>
    private static void MoveTimelineOutOfTheIndex(SqliteConnection connection) => UpgradeOnce(connection, TimelineVersion, """
        INSERT OR IGNORE INTO event_timeline (customer_id, seq) SELECT customer_id, seq FROM events ORDER BY customer_id, seq;
        UPDATE event_timeline_mark SET upto = (SELECT COALESCE(MAX(seq), 0) FROM events);
        """);

    /// <summary>Runs <paramref name="sql"/> once: in one transaction with setting <c>user_version</c> to <paramref name="version"/>, if the file is older.</summary>
    private static void UpgradeOnce(SqliteConnection connection, long version, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) >= version) return;
        using var transaction = connection.BeginTransaction();
        command.Transaction = transaction;
        command.CommandText = $"{sql}\nPRAGMA user_version = {version};";
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>The file's <c>user_version</c> from which pending events are the rows of <c>inbox_pending</c>.</summary>
    internal const long PendingTableVersion = 2;

    /// <summary>
    /// Files written before <see cref="PendingTableVersion"/> said 'pending' in the event's row (and indexed it): their
    /// pending events join <c>inbox_pending</c> and read 'accepted' like new ones, and the partial index goes. One
    /// transaction with the version that says it is done.
    /// </summary>
    private static void MovePendingOutOfTheInboxRows(SqliteConnection connection) => UpgradeOnce(connection, PendingTableVersion, """
        INSERT OR IGNORE INTO inbox_pending (seq) SELECT seq FROM events WHERE status = 'pending';
        UPDATE events SET status = 'accepted' WHERE status = 'pending';
        DROP INDEX IF EXISTS events_pending;
        """);

    /// <summary>The file's <c>user_version</c> from which customer documents and the inbox have their compact layout.</summary>
    internal const long CompactVersion = 1;

    /// <summary>
    /// Files written before <see cref="CompactVersion"/> hold documents and event bodies as JSON text, inbox times as
    /// ISO text and an unread <c>updated_at</c> per customer: convert them once, in one transaction with the version
    /// that says it is done (so later opens do not scan the tables). The inbox is rebuilt (a column's declared type
    /// decides how SQLite stores its values), keeping every seq and the AUTOINCREMENT high-water mark.
    /// </summary>
    private static void CompactCustomersAndInbox(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) >= CompactVersion) return;

        connection.CreateFunction("compressed_document", (string json) => CompressedJson.Documents.Compress(System.Text.Encoding.UTF8.GetBytes(json)), isDeterministic: true);
        connection.CreateFunction("compressed_event_body", (string json) =>
            SqliteJourneyStore.EventBody(PrivateFlows.Workflows.Customers.CloudEventReader.Read(json).Event ?? throw new InvalidDataException("a stored event no longer parses")),
            isDeterministic: true);
        connection.CreateFunction("inbox_ticks", (string text) => SqliteJourneyStore.Ticks(StoredTime.Parse(text)), isDeterministic: true);
        using var transaction = connection.BeginTransaction();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('customers') WHERE name = 'updated_at'";
        var customersUpdatedAt = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        command.CommandText = "SELECT type FROM pragma_table_info('events') WHERE name = 'time'";
        var inboxTimesAsText = command.ExecuteScalar() is string type && type.Equals("TEXT", StringComparison.OrdinalIgnoreCase);
        command.CommandText = (customersUpdatedAt ? "ALTER TABLE customers DROP COLUMN updated_at;" : "") + """
            UPDATE customers SET document = compressed_document(document) WHERE typeof(document) = 'text';
            """;
        command.ExecuteNonQuery();
        if (inboxTimesAsText)
        {
            command.CommandText = $"""
                DROP INDEX IF EXISTS events_customer;
                DROP INDEX IF EXISTS events_pending;
                DROP TRIGGER IF EXISTS events_accepted; -- it would move with the renamed table and go with it
                DROP TRIGGER IF EXISTS events_removed;
                ALTER TABLE events RENAME TO events_text;
                {Inbox}
                INSERT INTO events (seq, id, customer_id, type, time, received_at, status, body)
                SELECT seq, id, customer_id, type, inbox_ticks(time), inbox_ticks(received_at), status,
                       CASE WHEN typeof(body) = 'blob' THEN body WHEN body = '' THEN X'' ELSE compressed_event_body(body) END -- '' was a dropped body
                FROM events_text ORDER BY seq;
                INSERT INTO sqlite_sequence (name, seq) SELECT 'events', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events');
                UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events_text'), 0)) WHERE name = 'events';
                DROP TABLE events_text;
                """;
            command.ExecuteNonQuery();
        }

        command.CommandText = $"PRAGMA user_version = {CompactVersion}";
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>
    /// Files written before the timers' (customer, id) key and the clustered step index: the same rows (timers keep
    /// their rowids, the live counts are recounted by the triggers), three indexes fewer. One transaction.
    /// </summary>
    public static void UpgradeKeys(SqliteConnection connection)
    {
        var timers = HasIndex(connection, "timers_customer");
        var steps = HasIndex(connection, "instance_steps_customer");
        if (!timers && !steps) return;
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            (timers ? "ALTER TABLE timers RENAME TO timers_v1; DROP INDEX timers_due; DROP INDEX timers_customer; " : "") +
            (steps ? "ALTER TABLE instance_steps RENAME TO instance_steps_v1; DROP INDEX instance_steps_customer; " +
                     "DROP TRIGGER instance_steps_added; DROP TRIGGER instance_steps_removed; DROP TRIGGER instance_steps_moved; DELETE FROM step_counts; " : "") +
            Create +
            (timers ? "INSERT INTO timers (rowid, id, customer_id, instance_id, due_at) SELECT rowid, id, customer_id, instance_id, due_at FROM timers_v1; DROP TABLE timers_v1; " : "") +
            (steps ? "INSERT INTO instance_steps (customer_id, instance_id, journey, version, step, faulted) SELECT customer_id, instance_id, journey, version, step, faulted FROM instance_steps_v1; DROP TABLE instance_steps_v1; " : "");
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    private static bool HasIndex(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = $name";
        command.Parameters.AddWithValue("$name", name);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    public static bool HasTable(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", name);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
