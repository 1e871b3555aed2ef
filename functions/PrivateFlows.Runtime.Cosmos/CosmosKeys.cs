using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// Item ids and partition key values. Cosmos DB ids may not contain <c>/ \ ? #</c> and are at most 255 characters,
/// while the engine's ids contain slashes (<c>instance/3/send</c>): ids are escaped (every character but ASCII
/// letters, digits and <c>-._:@</c> becomes <c>~XX</c> per UTF-8 byte — percent signs break point
/// operations in some gateways) and prefixed with the item type, so one partition holds history, messages and ledgers
/// without collisions. Over-long ids are replaced by a hash.
/// </summary>
internal static class CosmosKeys
{
    public const string Customer = "customer";
    public const string Referral = "referral";
    public const string Step = "step";
    public const string Points = "points";
    public const string Fact = "fact";
    public const string Tombstone = "tombstone";

    private const int MaxId = 255;

    public static string Id(string type, string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var builder = new StringBuilder(type.Length + 1 + raw.Length + 8).Append(type).Append(':');
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (IsPlain(c))
            {
                builder.Append(c);
                continue;
            }

            // Everything else as ~XX per UTF-8 byte: ids stay safe in URLs, headers and every SDK.
            var length = char.IsSurrogatePair(raw, i)
                ? Encoding.UTF8.GetBytes(raw.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(raw.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length]) builder.Append('~').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }

        if (builder.Length <= MaxId) return builder.ToString();
        return $"{type}!{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)))}";
    }

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or ':' or '@';

    /// <summary>The customer item's id: the customer id itself (escaped), so a point read needs nothing else.</summary>
    public static string CustomerId(string customerId) => Id(Customer, customerId);
}
