using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PrivateFlows.Runtime.Channels;

/// <summary>
/// Signs webhook bodies: <c>X-PrivateFlows-Signature: sha256=&lt;hex of HMAC-SHA256(secret, timestamp + "." + body)&gt;</c>,
/// with the Unix timestamp in <c>X-PrivateFlows-Timestamp</c>, so receivers can reject forged or replayed calls.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-PrivateFlows-Signature";
    public const string TimestampHeader = "X-PrivateFlows-Timestamp";
    public const string IdempotencyHeader = "Idempotency-Key";

    public static string Sign(string secret, long unixSeconds, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var payload = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + "." + body);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload));
    }

    public static bool Verify(string secret, long unixSeconds, string body, string? signature) =>
        signature is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, unixSeconds, body)), Encoding.ASCII.GetBytes(signature));
}
