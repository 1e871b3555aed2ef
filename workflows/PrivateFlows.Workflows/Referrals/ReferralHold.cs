namespace PrivateFlows.Workflows.Referrals;

/// <summary>Why a referral reward is held for review instead of paid: a stable <see cref="Code"/> and a sentence for ops.</summary>
public sealed record ReferralHold(string Code, string Reason)
{
    public const string NoReferrer = "no-referrer";
    public const string SelfReferral = "self-referral";
    public const string SharedDevice = "shared-device";
    public const string SharedPhone = "shared-phone";
    public const string SharedPayment = "shared-payment";
    public const string ReferrerVelocity = "referrer-velocity";
    public const string RefereeRefunded = "referee-refunded";
    public const string ReferrerUnknown = "referrer-unknown";
    /// <summary>The journey's own <c>hold_when</c> expression was true.</summary>
    public const string HoldRule = "hold-rule";

    public override string ToString() => Reason;
}
