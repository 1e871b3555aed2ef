namespace PrivateFlows.Workflows.Loyalty;

/// <summary>
/// The rule names a ledger entry carries. Entry ids are <c>&lt;source&gt;/&lt;rule&gt;</c>: the source is the event
/// id, except for check-ins (one reward per local day: <c>&lt;customer&gt;/check-in/&lt;yyyy-MM-dd&gt;/day&lt;n&gt;</c>) and
/// expiry (<c>expire/&lt;entry id&gt;</c>).
/// </summary>
public static class PointsRules
{
    /// <summary>Points for an order's paid amount.</summary>
    public const string Order = "order";
    /// <summary>The extra points of the birthday-month multiplier on an order.</summary>
    public const string BirthdayMonth = "birthday-month";
    /// <summary>Daily check-in; streak steps above day 1 are <c>check-in-day3</c>, <c>check-in-day7</c>, … (each the increment over the step below).</summary>
    public const string CheckIn = "check-in";
    /// <summary>A refund claws back the order's points in proportion to the refunded amount.</summary>
    public const string Refund = "refund";
    public const string Redeem = "redeem";
    public const string Expire = "expire";
    /// <summary>Points given outside the rules (<c>points.awarded</c>).</summary>
    public const string Award = "award";
    /// <summary>A journey's <c>award_points</c> step (written by the runtime from <c>AwardPoints</c>).</summary>
    public const string Journey = "journey";
    /// <summary>The referee's side of a referral reward (written by the runtime from <c>RewardReferral</c>).</summary>
    public const string ReferralReferee = "referral-referee";
    /// <summary>The referrer's side of a paid referral reward (posted by the referrer's own step from <c>Referrals.ReferrerCredit</c>'s <c>points.awarded</c>).</summary>
    public const string ReferralReferrer = "referral-referrer";

    public static string CheckInStep(int day) => day <= 1 ? CheckIn : $"{CheckIn}-day{day}";

    /// <summary>Does the entry count towards a points-based tier? Earning does; redeeming and expiry do not (refunds deduct).</summary>
    public static bool Qualifies(string rule) => rule is not (Redeem or Expire);
}
