namespace PrivateFlows.Workflows.Referrals;

/// <summary>Anti-fraud settings of the referral program.</summary>
public sealed record ReferralRules
{
    /// <summary>More referrals than this accepted for one referrer on one day holds all of that day's rewards.</summary>
    public int MaxReferralsPerReferrerPerDay { get; init; } = 5;

    /// <summary>A referee refund within this long after their first paid order holds the reward.</summary>
    public TimeSpan HoldWindow { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Hold rewards when the runtime could not supply the referrer's facts (shared device, phone, payment and velocity cannot be checked then).</summary>
    public bool HoldWhenReferrerUnknown { get; init; }

    /// <summary>The time zone whose calendar days the velocity rule counts.</summary>
    public string TimeZone { get; init; } = "Asia/Shanghai";

    public static readonly ReferralRules Default = new();
}
