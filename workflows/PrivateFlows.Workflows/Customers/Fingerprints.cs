using System.Collections.Immutable;
using System.Text;

namespace PrivateFlows.Workflows.Customers;

/// <summary>
/// Identifiers of the customer's devices, phones and payment instruments, as events reported them
/// (data fields <c>deviceId</c>, <c>phone</c>, <c>paymentFingerprint</c>). Referral anti-fraud compares them
/// between referee and referrer. Phones are kept normalised (digits only, without the +86 prefix).
/// </summary>
public sealed record Fingerprints
{
    /// <summary>At most this many values of each kind are kept; later ones are ignored.</summary>
    public const int MaxPerKind = 20;

    public ImmutableSortedSet<string> DeviceIds { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
    public ImmutableSortedSet<string> Phones { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
    public ImmutableSortedSet<string> PaymentFingerprints { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    public bool IsEmpty => DeviceIds.IsEmpty && Phones.IsEmpty && PaymentFingerprints.IsEmpty;

    /// <summary>Adds whatever identifiers the event carries.</summary>
    public Fingerprints With(CustomerEvent e) => With(e.DataString("deviceId"), e.DataString("phone"), e.DataString("paymentFingerprint"));

    public Fingerprints With(string? deviceId, string? phone, string? paymentFingerprint) => this with
    {
        DeviceIds = Add(DeviceIds, NormalizeDevice(deviceId)),
        Phones = Add(Phones, NormalizePhone(phone)),
        PaymentFingerprints = Add(PaymentFingerprints, NormalizePayment(paymentFingerprint)),
    };

    /// <summary>Device ids compare case-insensitively.</summary>
    public static string? NormalizeDevice(string? deviceId) =>
        string.IsNullOrWhiteSpace(deviceId) ? null : deviceId.Trim().ToUpperInvariant();

    /// <summary>
    /// Emails compare trimmed and lower-cased ("Lin@Example.com " is lin@example.com). Provider aliases (Gmail's dots
    /// and +tags) are not folded: they are not the same mailbox everywhere, and a hold needs a real match.
    /// </summary>
    public static string? NormalizeEmail(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    public static string? NormalizePayment(string? fingerprint) =>
        string.IsNullOrWhiteSpace(fingerprint) ? null : fingerprint.Trim();

    /// <summary>Digits only, without a Chinese country prefix: "+86 137-0003-0003" and "13700030003" are the same phone.</summary>
    public static string? NormalizePhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone)) return null;
        var digits = new StringBuilder(phone.Length);
        foreach (var c in phone)
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
        }

        var d = digits.ToString();
        if (d.StartsWith("0086", StringComparison.Ordinal)) d = d[4..];
        else if (d.Length == 13 && d.StartsWith("86", StringComparison.Ordinal)) d = d[2..];
        return d.Length == 0 ? null : d;
    }

    private static ImmutableSortedSet<string> Add(ImmutableSortedSet<string> set, string? value) =>
        value is null || set.Contains(value) || set.Count >= MaxPerKind ? set : set.Add(value);
}
