using System.Globalization;
using System.Text.Json;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Storage;

public sealed partial class SqliteJourneyStore
{
    private const string InsertHistory = """
        INSERT INTO history (id, customer_id, instance_id, journey, time, kind, step, detail)
        VALUES ($id, $customer, $instance, $journey, $time, $kind, $step, $detail)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string InsertTimer = """
        INSERT INTO timers (id, customer_id, instance_id, due_at) VALUES ($id, $customer, $instance, $due)
        ON CONFLICT (id) DO NOTHING
        """;

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

    public Task<CustomerDocument> CompleteEffectsAsync(CustomerDocument document, IReadOnlyList<Effect> effects, IReadOnlyList<MessageRecord> messages, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var done = effects.Select(e => e.EffectId).ToHashSet(StringComparer.Ordinal);
        var remaining = document with { PendingEffects = [.. document.PendingEffects.Where(e => !done.Contains(e.EffectId))] };
        var json = RuntimeJson.Serialize(remaining);
        var when = StoredTime.Text(at);
        var updatedAt = StoredTime.Text(Now);
        return _writer.WriteAsync(scope =>
        {
            foreach (var effect in effects) Apply(scope, effect, when);
            WriteFacts(scope, document, effects, at);
            foreach (var message in messages) Record(scope, message);
            return Replace(scope, remaining, document.Version, json, updatedAt);
        }, cancellationToken);
    }

    public Task RecordMessageAsync(MessageRecord message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _writer.WriteAsync(scope => Record(scope, message), cancellationToken);
    }

    private static void Apply(WriteScope scope, Effect effect, string at)
    {
        switch (effect)
        {
            case RecordHistory h:
                var e = h.Entry;
                scope.Execute(InsertHistory, ("$id", e.EntryId), ("$customer", h.CustomerId), ("$instance", e.InstanceId), ("$journey", e.Journey),
                    ("$time", StoredTime.Text(e.Time)), ("$kind", KindName(e.Kind)), ("$step", e.Step), ("$detail", e.Detail));
                break;
            case ScheduleTimer t:
                scope.Execute(InsertTimer, ("$id", t.TimerId), ("$customer", t.CustomerId), ("$instance", t.InstanceId), ("$due", StoredTime.Millis(t.DueAt)));
                break;
            case CancelTimer c:
                scope.Execute("DELETE FROM timers WHERE id = $id", ("$id", c.TimerId));
                break;
            case AwardPoints p:
                Points(scope, new PointsEntry(p.EffectId, p.CustomerId, p.InstanceId, p.Points, "journey", p.Reason, PointsStatus.Credited, default, p.ExpiresAt), at);
                break;
            case RecordPoints r:
                var entry = r.Entry;
                Points(scope, new PointsEntry(r.EffectId, r.CustomerId, null, entry.Points, entry.Rule, entry.Reason, PointsStatus.Credited, entry.At, entry.ExpiresAt), StoredTime.Text(entry.At));
                break;
            case RewardReferral r:
                var status = r.Held ? PointsStatus.Held : PointsStatus.Credited;
                var why = r.Held ? $"held: {r.HoldReason}" : "paid";
                Points(scope, new PointsEntry($"{r.EffectId}/referee", r.CustomerId, r.InstanceId, r.RefereePoints, "referral", $"referral reward, referee ({why})", status, default, r.RefereeExpiresAt), at);
                if (r.Held && r.ReferrerId.Length > 0)
                {
                    Points(scope, new PointsEntry($"{r.EffectId}/referrer", r.ReferrerId, r.InstanceId, r.ReferrerPoints, "referral", $"referral reward for referring {r.CustomerId} ({why})", status, default), at);
                }
                else if (ReferrerCredit.For(r, StoredTime.Parse(at)) is { } credit)
                {
                    // A paid reward credits the referrer through their own step: their points.awarded event enters the
                    // inbox in this transaction, and their decider writes the ledger row and the balance.
                    scope.Execute(InsertEvent, ("$id", credit.Id), ("$customer", credit.Subject), ("$type", credit.Type), ("$time", StoredTime.Text(credit.Time)),
                        ("$received", at), ("$body", CloudEventReader.Write(credit).ToJsonString()));
                }

                break;
            case IssueCoupon c:
                scope.Execute(InsertCoupon, ("$code", c.Code), ("$effect", c.EffectId), ("$customer", c.CustomerId), ("$instance", c.InstanceId), ("$coupon", c.Coupon),
                    ("$amount", c.Amount.ToString(CultureInfo.InvariantCulture)), ("$expires", c.ExpiresAt is { } x ? StoredTime.Text(x) : null), ("$at", at));
                break;
        }
    }

    private static void Points(WriteScope scope, PointsEntry e, string at) =>
        scope.Execute(InsertPoints, ("$id", e.EntryId), ("$customer", e.CustomerId), ("$instance", e.InstanceId), ("$points", e.Points), ("$rule", e.Rule),
            ("$reason", e.Reason), ("$status", Name(e.Status)), ("$expires", e.ExpiresAt is { } x ? StoredTime.Text(x) : null), ("$at", at));

    private static void Record(WriteScope scope, MessageRecord m) =>
        scope.Execute(UpsertMessage, ("$effect", m.EffectId), ("$customer", m.CustomerId), ("$instance", m.InstanceId), ("$journey", m.Journey), ("$step", m.Step),
            ("$channel", m.Channel), ("$category", m.Category), ("$template", m.Template), ("$locale", m.Locale), ("$subject", m.Subject), ("$body", m.Body),
            ("$address", m.Address), ("$via", m.Via), ("$status", Name(m.Status)), ("$attempts", m.Attempts), ("$detail", m.Detail), ("$at", StoredTime.Text(m.At)));

    internal static string KindName(HistoryKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static T Parse<T>(string text) where T : struct, Enum => Enum.Parse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
}
