using System.Collections.Immutable;
using System.Globalization;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Workflows.Referrals;

/// <summary>
/// The anti-fraud rules of the referral program. Any hold reason puts the reward on hold for review instead of
/// paying it: no referrer, self-referral (same id, own code, or same email), a device id / phone / payment fingerprint shared by referee and referrer,
/// more than N referrals for the referrer that day, or a referee refund within the hold window after their first
/// paid order. Pure: the referrer's facts and the referee's refund state come in.
/// </summary>
public static class ReferralFraudCheck
{
    /// <param name="referee">The referee's profile: fingerprints, phone and refund state (<see cref="CustomerProfile.ReferredBy"/>).</param>
    /// <param name="referral">The <c>referral.accepted</c> event (data <c>referrerId</c>, optional <c>referralCode</c>, <c>deviceId</c>, <c>phone</c>, <c>paymentFingerprint</c>).</param>
    /// <param name="referrer">The referrer's facts; null when the runtime could not supply them.</param>
    public static ImmutableArray<ReferralHold> Check(CustomerProfile referee, CustomerEvent referral, ReferrerFacts? referrer, ReferralRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(referee);
        ArgumentNullException.ThrowIfNull(referral);
        rules ??= ReferralRules.Default;
        var holds = ImmutableArray.CreateBuilder<ReferralHold>();
        var referrerId = referral.DataString("referrerId") is { Length: > 0 } named ? named : referee.ReferredBy?.ReferrerId;
        var code = referral.DataString("referralCode") ?? referee.ReferredBy?.Code;

        if (string.IsNullOrWhiteSpace(referrerId)) holds.Add(new ReferralHold(ReferralHold.NoReferrer, "the referral names no referrer"));
        else if (referrerId == referee.CustomerId) holds.Add(new ReferralHold(ReferralHold.SelfReferral, "self-referral"));
        else if (code is not null && ReferralCodes.Normalize(code) == ReferralCodes.For(referee.CustomerId))
        {
            holds.Add(new ReferralHold(ReferralHold.SelfReferral, $"self-referral: the code {code} is the referee's own"));
        }

        if (referrer is null)
        {
            if (rules.HoldWhenReferrerUnknown && referrerId is { Length: > 0 })
            {
                holds.Add(new ReferralHold(ReferralHold.ReferrerUnknown, $"nothing is known about the referrer {referrerId}: shared devices and velocity cannot be checked"));
            }
        }
        else
        {
            var prints = referee.Fingerprints.With(referral).With(null, referee.Phone, null);
            Shared(prints.DeviceIds, referrer.DeviceIds.Select(Fingerprints.NormalizeDevice), ReferralHold.SharedDevice, "device", d => d);
            Shared(prints.Phones, referrer.Phones.Select(Fingerprints.NormalizePhone), ReferralHold.SharedPhone, "phone", Mask);
            Shared(prints.PaymentFingerprints, referrer.PaymentFingerprints.Select(Fingerprints.NormalizePayment), ReferralHold.SharedPayment, "payment fingerprint", Mask);

            // One mailbox is one person: the same email (whatever its letter case) on both sides is a self-referral.
            var emails = new[] { referee.Email, referral.DataString("email") }.Select(Fingerprints.NormalizeEmail).OfType<string>().ToImmutableSortedSet(StringComparer.Ordinal);
            var sameEmail = referrer.Emails.Select(Fingerprints.NormalizeEmail).OfType<string>().Where(emails.Contains).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (sameEmail.Count > 0)
            {
                holds.Add(new ReferralHold(ReferralHold.SelfReferral, $"self-referral: referee and referrer share an email ({string.Join(", ", sameEmail.Select(MaskEmail))})"));
            }

            var acceptedAt = referee.ReferredBy?.AcceptedAt ?? referral.Time;
            var day = CustomerClock.DayKey(acceptedAt, rules.TimeZone);
            var sameDay = referrer.Referrals
                .Where(r => CustomerClock.DayKey(r.AcceptedAt, rules.TimeZone) == day)
                .Select(r => r.RefereeId)
                .Append(referee.CustomerId)
                .Distinct(StringComparer.Ordinal)
                .Count();
            if (sameDay > rules.MaxReferralsPerReferrerPerDay)
            {
                holds.Add(new ReferralHold(ReferralHold.ReferrerVelocity,
                    $"referrer {referrer.ReferrerId} had {sameDay.ToString(CultureInfo.InvariantCulture)} referrals accepted on {day} (more than {rules.MaxReferralsPerReferrerPerDay.ToString(CultureInfo.InvariantCulture)} a day)"));
            }
        }

        if (referee.ReferredBy is { FirstRefundAt: { } refundAt } state
            && (state.FirstPaidOrderAt is not { } firstOrder || refundAt <= firstOrder + rules.HoldWindow))
        {
            holds.Add(new ReferralHold(ReferralHold.RefereeRefunded,
                $"the referee asked for a refund on {InstanceRun.Format(refundAt)}, within {rules.HoldWindow.TotalDays.ToString("0.#", CultureInfo.InvariantCulture)} days of their first paid order"));
        }

        return holds.ToImmutable();

        void Shared(ImmutableSortedSet<string> mine, IEnumerable<string?> theirs, string holdCode, string what, Func<string, string> show)
        {
            var common = theirs.OfType<string>().Where(mine.Contains).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (common.Count > 0) holds.Add(new ReferralHold(holdCode, $"referee and referrer share a {what} ({string.Join(", ", common.Select(show))})"));
        }
    }

    /// <summary>Shows only the last 4 characters: ops can compare without reading the whole phone or fingerprint.</summary>
    private static string Mask(string value) => value.Length <= 4 ? "****" : $"****{value[^4..]}";

    /// <summary>Shows the first letter and the domain only: l***@example.com.</summary>
    private static string MaskEmail(string email)
    {
        var at = email.LastIndexOf('@');
        return at <= 0 ? Mask(email) : $"{email[0]}***{email[at..]}";
    }
}
