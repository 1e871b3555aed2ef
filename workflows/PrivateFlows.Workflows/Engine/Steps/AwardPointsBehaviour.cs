using System.Globalization;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary><c>award_points</c>: credits a literal or computed number of points, clamped, expiring by the loyalty program's rule.</summary>
internal sealed class AwardPointsBehaviour : StepBehaviour<AwardPointsStep>
{
    protected override StepMove Run(InstanceRun run, AwardPointsStep award)
    {
        var decision = run.Decision;
        var now = run.Now;
        var points = PointsLimits.Clamp(long.TryParse(award.Points, NumberStyles.Integer, CultureInfo.InvariantCulture, out var literal)
            ? literal
            : AwardedPoints(run.Evaluate(award.Points)));
        var reason = award.Reason ?? $"{run.Journey.Name}/{award.Id}";
        var pointsId = run.EffectId("points");
        var pointsExpire = points > 0 ? decision.Context.Program.Loyalty.Expiry.ExpiresAt(now, decision.Profile.TimeZone) : null;
        decision.Effects.Add(new AwardPoints(pointsId, run.Instance.CustomerId, run.Instance.InstanceId, points, reason) { ExpiresAt = pointsExpire });
        LoyaltyDecision.Credit(decision, new PointsLedgerEntry(pointsId, run.Instance.CustomerId, now, points, PointsRules.Journey, reason) { ExpiresAt = pointsExpire });
        run.History(HistoryKind.Action, award.Id, HistoryWording.AwardedPoints(points, reason));
        return StepMove.GoTo(run.Journey.DefaultNext(award));
    }

    /// <summary>An award_points expression's value as whole points, clamped; a value that is not a number is a template error, not a crash.</summary>
    private static long AwardedPoints(object? value)
    {
        if (value is null) return 0;
        var text = ScriptModel.Format(value);
        // Rounded to the nearest whole point, as Convert.ToInt64 did before the clamp.
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            ? PointsLimits.FromDecimal(Math.Round(n))
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                ? (d >= PointsLimits.MaxPoints ? PointsLimits.MaxPoints : d <= -PointsLimits.MaxPoints ? -PointsLimits.MaxPoints : (long)Math.Round(d))
                : throw new TemplateException($"award_points: '{text}' is not a number of points");
    }
}
