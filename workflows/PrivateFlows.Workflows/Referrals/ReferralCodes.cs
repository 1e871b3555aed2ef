using System.Security.Cryptography;
using System.Text;

namespace PrivateFlows.Workflows.Referrals;

/// <summary>
/// A customer's referral code: 8 characters of Crockford base32 (no I, L, O, U), derived from the customer id,
/// so it never changes and needs no storage to make. Finding the customer behind a code needs the runtime's
/// index (code → customer id), which it fills as it sees customers.
/// </summary>
public static class ReferralCodes
{
    public const int Length = 8;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string For(string customerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"referral\u001f{customerId}"));
        var value = BitConverter.ToUInt64(hash, 0);
        var code = new char[Length];
        for (var i = 0; i < Length; i++)
        {
            code[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(code);
    }

    /// <summary>A share link: <c>{baseUrl}?ref={code}</c> (or <c>&amp;ref=</c> when the URL already has a query).</summary>
    public static string Link(string baseUrl, string customerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseUrl);
        return $"{baseUrl}{(baseUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?')}ref={For(customerId)}";
    }

    /// <summary>Codes are read case-insensitively, with the look-alikes I/L → 1 and O → 0, ignoring dashes and spaces.</summary>
    public static string Normalize(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var sb = new StringBuilder(code.Length);
        foreach (var c in code.ToUpperInvariant())
        {
            switch (c)
            {
                case '-' or ' ':
                    continue;
                case 'I' or 'L':
                    sb.Append('1');
                    break;
                case 'O':
                    sb.Append('0');
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }
}
