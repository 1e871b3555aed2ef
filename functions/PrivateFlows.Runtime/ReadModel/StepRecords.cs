using System.Collections.Immutable;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.ReadModel;

/// <summary>
/// What one decided step puts in the read model, whichever store keeps it: history entries, points ledger lines
/// (a held referral reward also credits the referrer's ledger, as held), coupons, journey facts, and the instances
/// the step touched (whose live-count index entry may have moved). Pure and deterministic: the same step gives the
/// same records with the same ids, which is what makes writing a replayed step a no-op.
/// </summary>
public sealed record StepRecords(
    IReadOnlyList<HistoryEntry> History,
    IReadOnlyList<PointsEntry> Points,
    IReadOnlyList<CouponRecord> Coupons,
    IReadOnlyList<JourneyFact> Facts,
    ImmutableHashSet<string> TouchedInstances)
{
    public static StepRecords From(CustomerStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var at = step.At;
        var history = new List<HistoryEntry>();
        var points = new List<PointsEntry>();
        var coupons = new List<CouponRecord>();
        var touched = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var effect in step.Effects)
        {
            switch (effect)
            {
                case RecordHistory h:
                    history.Add(h.Entry);
                    touched.Add(h.Entry.InstanceId);
                    break;
                case AwardPoints p:
                    points.Add(new PointsEntry(p.EffectId, p.CustomerId, p.InstanceId, p.Points, "journey", p.Reason, PointsStatus.Credited, at, p.ExpiresAt));
                    break;
                case RecordPoints r:
                    var ledger = r.Entry;
                    points.Add(new PointsEntry(r.EffectId, r.CustomerId, null, ledger.Points, ledger.Rule, ledger.Reason, PointsStatus.Credited, ledger.At, ledger.ExpiresAt));
                    break;
                case RewardReferral r:
                    var status = r.Held ? PointsStatus.Held : PointsStatus.Credited;
                    var why = r.Held ? $"held: {r.HoldReason}" : "paid";
                    points.Add(new PointsEntry($"{r.EffectId}/referee", r.CustomerId, r.InstanceId, r.RefereePoints, "referral", $"referral reward, referee ({why})", status, at, r.RefereeExpiresAt));
                    // A paid reward reaches the referrer's ledger through the referrer's own step (their orchestration gets
                    // the points.awarded event); a held one is only a line for review, written here.
                    if (r.Held && r.ReferrerId.Length > 0)
                    {
                        points.Add(new PointsEntry($"{r.EffectId}/referrer", r.ReferrerId, r.InstanceId, r.ReferrerPoints, "referral", $"referral reward for referring {r.CustomerId} ({why})", status, at));
                    }

                    break;
                case IssueCoupon c:
                    coupons.Add(new CouponRecord(c.Code, c.EffectId, c.CustomerId, c.InstanceId, c.Coupon, c.Amount, c.ExpiresAt, at));
                    touched.Add(c.InstanceId);
                    break;
                case CompleteInstance done:
                    touched.Add(done.InstanceId);
                    break;
                case SendMessage s:
                    touched.Add(s.InstanceId);
                    break;
            }
        }

        return new StepRecords(history, points, coupons, JourneyFacts.From(step.Document, step.Effects, at), touched.ToImmutable());
    }

    /// <summary>The document as the read model keeps it: no outbox and no processed-input ids (Durable Functions keeps those).</summary>
    public static CustomerDocument Shown(CustomerDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document with { PendingEffects = [], ProcessedInputs = [] };
    }
}
