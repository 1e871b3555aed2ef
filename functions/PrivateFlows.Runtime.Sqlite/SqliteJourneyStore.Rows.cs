using System.Globalization;
using System.Text.Json;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    private static readonly BulkInsert InsertHistory = new("history", ["id", "customer_id", "instance_id", "journey", "time", "kind", "step", "detail"], "ON CONFLICT (id) DO NOTHING");

    private static readonly BulkInsert InsertFacts = new("journey_facts", ["id", "instance_id", "journey", "kind", "at", "version", "variant", "channel", "amount", "outcome", "step"], "ON CONFLICT (id) DO NOTHING");

    private const string InsertTimer = """
        INSERT INTO timers (id, customer_id, instance_id, due_at) VALUES ($id, $customer, $instance, $due)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string DeleteTimer = "DELETE FROM timers WHERE id = $id";

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
    internal readonly record struct Row(string Sql, (string Name, object? Value)[] Parameters);

    /// <summary>
    /// The statements that persist a step's rows, in the order that keeps replays and id reuse right: the fired
    /// timer leaves the index before the step's timer changes (a decision may schedule a timer with the fired one's id).
    /// </summary>
    private static List<Row> Rows(StepCommit commit, StepWrite write)
    {
        var rows = new List<Row>(8 + write.History.Length * 2 + write.Facts.Length);
        var customerId = commit.Document.CustomerId;
        StepIndexRows(rows, customerId, write.StepIndex); // SqliteJourneyStore.Steps.cs
        if (commit.EventId is not null) rows.Add(new("UPDATE events SET status = 'done' WHERE id = $id", [("$id", commit.EventId)]));
        if (commit.FiredTimerId is not null) rows.Add(new(DeleteTimer, [("$id", commit.FiredTimerId)]));
        if (write.Referral is { } referral)
        {
            rows.Add(new(UpsertReferral, [("$referee", referral.RefereeId), ("$referrer", referral.ReferrerId), ("$at", StoredTime.Millis(referral.AcceptedAt))]));
        }

        if (!write.History.IsEmpty)
        {
            var history = new List<object?[]>(write.History.Length);
            foreach (var h in write.History)
            {
                var e = h.Entry;
                history.Add([e.EntryId, h.CustomerId, e.InstanceId, e.Journey, StoredTime.Text(e.Time), KindName(e.Kind), e.Step, e.Detail]);
            }

            InsertHistory.AddTo(rows, history);
        }

        foreach (var t in write.Timers)
        {
            rows.Add(t.Scheduled is { } due
                ? new(InsertTimer, [("$id", due.TimerId), ("$customer", due.CustomerId), ("$instance", due.InstanceId), ("$due", StoredTime.Millis(due.DueAt))])
                : new(DeleteTimer, [("$id", t.TimerId)]));
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

        if (!write.Facts.IsEmpty)
        {
            var facts = new List<object?[]>(write.Facts.Length);
            foreach (var f in write.Facts)
            {
                facts.Add([f.FactId, f.InstanceId, f.Journey, Name(f.Kind), StoredTime.Text(f.At), f.Version, f.Variant, f.Channel,
                    f.Amount == 0m ? null : f.Amount.ToString(CultureInfo.InvariantCulture), f.Outcome is { } o ? Name(o) : null, f.Step]);
            }

            InsertFacts.AddTo(rows, facts);
        }

        foreach (var message in write.Messages) rows.Add(Message(message));
        return rows;
    }

    private static Row Event(CustomerEvent e, DateTimeOffset received) =>
        new(InsertEvent, [("$id", e.Id), ("$customer", e.Subject), ("$type", e.Type), ("$time", Ticks(e.Time)), ("$received", Ticks(received)), ("$body", EventBody(e))]);

    private static Row Message(MessageRecord m) =>
        new(UpsertMessage, [("$effect", m.EffectId), ("$customer", m.CustomerId), ("$instance", m.InstanceId), ("$journey", m.Journey), ("$step", m.Step),
            ("$channel", m.Channel), ("$category", m.Category), ("$template", m.Template), ("$locale", m.Locale), ("$subject", m.Subject), ("$body", m.Body),
            ("$address", m.Address), ("$via", m.Via), ("$status", Name(m.Status)), ("$attempts", m.Attempts), ("$detail", m.Detail), ("$at", StoredTime.Text(m.At))]);

    internal static string KindName(HistoryKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static T Parse<T>(string text) where T : struct, Enum => Enum.Parse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
}
