using System.Globalization;
using System.Text.Json;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    private const string InsertJournal = "INSERT INTO journal (customer_id, seq, entries, fact_seq, fact_journeys) VALUES ($customer, $seq, $entries, $fact_seq, $fact_journeys)";

    // An instance's owner stays the first one written (an instance id never moves to another customer).
    private static readonly BulkInsert InsertInstances = new("journal_instances", ["instance_id", "customer_id", "seq"], "ON CONFLICT (instance_id) DO NOTHING");

    private static readonly BulkInsert InsertFacts = new("step_facts", ["journey", "seq", "facts"], "");

    private const string InsertTimer = """
        INSERT INTO timers (id, customer_id, instance_id, due_at) VALUES ($id, $customer, $instance, $due)
        ON CONFLICT (customer_id, id) DO NOTHING
        """;

    private const string DeleteTimer = "DELETE FROM timers WHERE customer_id = $customer AND id = $id";

    private const string InsertPoints = """
        INSERT INTO points_ledger (entry_id, customer_id, instance_id, points, rule, reason, status, expires_at, at)
        VALUES ($id, $customer, $instance, $points, $rule, $reason, $status, $expires, $at)
        ON CONFLICT (entry_id) DO NOTHING
        """;

    private const string InsertCoupon = """
        INSERT INTO coupons (code, effect_id, customer_id, instance_id, coupon, amount, expires_at, issued_at)
        VALUES ($code, $effect, $customer, $instance, $coupon, $amount, $expires, $at)
        ON CONFLICT DO NOTHING
        """;

    private const string UpsertMessage = """
        INSERT INTO messages (effect_id, customer_id, instance_id, journey, step, channel, category, template, locale, subject, body, address, via, status, attempts, detail, at)
        VALUES ($effect, $customer, $instance, $journey, $step, $channel, $category, $template, $locale, $subject, $body, $address, $via, $status, $attempts, $detail, $at)
        ON CONFLICT (effect_id) DO UPDATE SET via = excluded.via, status = excluded.status, attempts = messages.attempts + excluded.attempts, detail = excluded.detail, at = excluded.at
        WHERE messages.status <> 'delivered'
        """;

    public Task RecordMessageAsync(MessageRecord message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var row = Message(message);
        return _writer.WriteAsync(scope => scope.Execute(row.Sql, row.Parameters), cancellationToken);
    }

    /// <summary>A statement with its parameters, built in the caller's thread so the writer thread only binds and steps.</summary>
    internal readonly record struct Row(string Sql, (string Name, object? Value)[] Parameters)
    {
        /// <summary>Run with the same parameters when <see cref="Sql"/> changed no row.</summary>
        public string? OtherwiseSql { get; init; }
    }

    /// <summary>
    /// The statements that persist a step's rows, in the order that keeps replays and id reuse right: the fired
    /// timer leaves the index before the step's timer changes (a decision may schedule a timer with the fired one's id).
    /// </summary>
    private static List<Row> Rows(StepCommit commit, StepWrite write)
    {
        var rows = new List<Row>(8);
        var customerId = commit.Document.CustomerId;
        StepIndexRows(rows, customerId, write.StepIndex); // SqliteJourneyStore.Steps.cs
        if (commit.EventId is not null) rows.Add(new(ConsumeEvent, [("$id", commit.EventId)]) { OtherwiseSql = ConsumeParkedEvent });
        if (commit.FiredTimerId is not null) rows.Add(new(DeleteTimer, [("$customer", customerId), ("$id", commit.FiredTimerId)]));
        if (write.Referral is { } referral)
        {
            rows.Add(new(UpsertReferral, [("$referee", referral.RefereeId), ("$referrer", referral.ReferrerId), ("$at", StoredTime.Millis(referral.AcceptedAt))]));
        }

        foreach (var t in write.Timers)
        {
            rows.Add(t.Scheduled is { } due
                ? new(InsertTimer, [("$id", due.TimerId), ("$customer", due.CustomerId), ("$instance", due.InstanceId), ("$due", StoredTime.Millis(due.DueAt))])
                : new(DeleteTimer, [("$customer", customerId), ("$id", t.TimerId)]));
        }

        foreach (var p in write.Points)
        {
            rows.Add(new(InsertPoints, [("$id", p.EntryId), ("$customer", p.CustomerId), ("$instance", p.InstanceId), ("$points", p.Points), ("$rule", p.Rule),
                ("$reason", p.Reason), ("$status", Name(p.Status)), ("$expires", p.ExpiresAt is { } x ? StoredTime.Text(x) : null), ("$at", StoredTime.Text(p.At))]));
        }

        foreach (var credit in write.InboxEvents) rows.Add(Event(credit, write.At));
        foreach (var c in write.Coupons)
        {
            rows.Add(new(InsertCoupon, [("$code", c.Code), ("$effect", c.EffectId), ("$customer", c.CustomerId), ("$instance", c.InstanceId), ("$coupon", c.Coupon),
                ("$amount", c.Amount.ToString(CultureInfo.InvariantCulture)), ("$expires", c.ExpiresAt is { } x ? StoredTime.Text(x) : null), ("$at", StoredTime.Text(c.IssuedAt))]));
        }

        foreach (var message in write.Messages) rows.Add(Message(message));
        return rows;
    }

    /// <summary>
    /// A step's history and journey facts (a batched step's parts included, in order): one journal row keyed by the
    /// customer and the version the step writes, one step_facts row per journey touched, and the owner of each
    /// instance seen for the first time. An id already in the step is written once (the first one stands).
    /// </summary>
    private List<Row> JournalRows(StepCommit commit, StepWrite write)
    {
        var rows = new List<Row>(3);
        var customerId = commit.Document.CustomerId;
        var seq = commit.ExpectedVersion + 1;
        List<HistoryEntry>? entries = null;
        HashSet<string>? ids = null;
        List<(string Journey, List<JourneyFact> Facts)>? facts = null;
        HashSet<string>? factIds = null;
        foreach (var part in commit.Earlier) Collect(part.Write!);
        Collect(write);
        if (entries is null && facts is null) return rows;

        long? factSeq = facts is null ? null : Interlocked.Increment(ref _lastFactSeq);
        rows.Add(new(InsertJournal, [("$customer", customerId), ("$seq", seq), ("$entries", JournalEntries.Encode(entries ?? [])),
            ("$fact_seq", factSeq), ("$fact_journeys", facts is null ? null : string.Join('\n', facts.Select(f => f.Journey)))]));
        if (facts is not null) InsertFacts.AddTo(rows, [.. facts.Select(f => new object?[] { f.Journey, factSeq, StepFacts.Encode(f.Facts) })]);
        if (entries is not null)
        {
            List<object?[]>? owners = null;
            HashSet<string>? seen = null;
            foreach (var e in entries)
            {
                // An instance is new where it enters (or is refused entry); one not in the document is ended or foreign.
                var fresh = e.Kind is HistoryKind.Entered or HistoryKind.NotEntered || commit.Document.State.FindInstance(e.InstanceId) is null;
                if (fresh && (seen ??= new(StringComparer.Ordinal)).Add(e.InstanceId)) (owners ??= []).Add([e.InstanceId, customerId, seq]);
            }

            if (owners is not null) InsertInstances.AddTo(rows, owners);
        }

        return rows;

        void Collect(StepWrite part)
        {
            foreach (var h in part.History)
            {
                if (!string.Equals(h.CustomerId, customerId, StringComparison.Ordinal)) throw new ArgumentException($"a step of customer {customerId} carries history of another customer", nameof(commit));
                if ((ids ??= new(StringComparer.Ordinal)).Add(h.Entry.EntryId)) (entries ??= []).Add(h.Entry);
            }

            foreach (var f in part.Facts)
            {
                if (!(factIds ??= new(StringComparer.Ordinal)).Add(f.FactId)) continue;
                facts ??= [];
                var group = facts.FindIndex(g => string.Equals(g.Journey, f.Journey, StringComparison.Ordinal));
                if (group < 0) facts.Add((f.Journey, [f]));
                else facts[group].Facts.Add(f);
            }
        }
    }

    private static Row Event(CustomerEvent e, DateTimeOffset received) =>
        new(InsertEvent, [("$id", e.Id), ("$customer", e.Subject), ("$type", e.Type), ("$time", Ticks(e.Time)), ("$received", Ticks(received)), ("$body", EventBody(e))]);

    private static Row Message(MessageRecord m) =>
        new(UpsertMessage, [("$effect", m.EffectId), ("$customer", m.CustomerId), ("$instance", m.InstanceId), ("$journey", m.Journey), ("$step", m.Step),
            ("$channel", m.Channel), ("$category", m.Category), ("$template", m.Template), ("$locale", m.Locale), ("$subject", m.Subject), ("$body", MessageBodies.Store(m.Body)),
            ("$address", m.Address), ("$via", m.Via), ("$status", Name(m.Status)), ("$attempts", m.Attempts), ("$detail", m.Detail), ("$at", MessageBodies.Time(m.At))]);

    internal static string KindName(HistoryKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static T Parse<T>(string text) where T : struct, Enum => Enum.Parse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
}
