using System.Security.Cryptography;
using System.Text;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// Ids derived from what happened, never from a random source: replaying the same input yields the same ids,
/// which the runtime uses as idempotency keys.
/// </summary>
public static class DeterministicIds
{
    public static string Hash(params string[] parts)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts)));
        return Convert.ToHexStringLower(bytes);
    }

    public static string Instance(string customerId, string journey, string entryEventId) =>
        $"{journey}-{Hash(customerId, journey, entryEventId)[..16]}";

    /// <summary>A number in [0, buckets) that depends only on the customer, the journey and a salt, so it is stable across versions.</summary>
    public static int Bucket(string customerId, string journey, string salt, int buckets)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{customerId}\u001f{journey}\u001f{salt}"));
        var value = BitConverter.ToUInt64(bytes, 0);
        return (int)(value % (ulong)buckets);
    }
}
