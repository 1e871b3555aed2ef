using System.Globalization;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary><c>issue_coupon</c>: a coupon with a replay-stable code; later steps and templates read it from <c>vars.coupon_*</c>.</summary>
internal sealed class IssueCouponBehaviour : StepBehaviour<IssueCouponStep>
{
    protected override StepMove Run(InstanceRun run, IssueCouponStep coupon)
    {
        var now = run.Now;
        var code = DeterministicIds.CouponCode(coupon.Coupon, run.Instance.InstanceId, coupon.Id, run.Instance.Sequence);
        DateTimeOffset? expires = coupon.Valid is { } valid ? now + valid : null;
        run.Decision.Effects.Add(new IssueCoupon(run.EffectId("coupon"), run.Instance.CustomerId, run.Instance.InstanceId, coupon.Coupon, code, coupon.Amount, expires));
        var expiresText = expires is { } x ? CustomerClock.ToLocal(x, run.Decision.Profile.TimeZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
        run.Instance = run.Instance with
        {
            Vars = run.Instance.Vars
                .SetItem("coupon_code", code)
                .SetItem("coupon_amount", HistoryWording.Amount(coupon.Amount))
                .SetItem("coupon_expires", expiresText),
        };
        run.History(HistoryKind.Action, coupon.Id, HistoryWording.IssuedCoupon(code, coupon.Amount, expiresText));
        return StepMove.GoTo(run.Journey.DefaultNext(coupon));
    }
}
