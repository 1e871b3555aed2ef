using System.Security.Cryptography;
using System.Text;

namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// How an erased customer is remembered: a SHA-256 of the id (with a fixed prefix), never the id itself, so the
/// tombstone recognises late inputs for the id without keeping it in clear.
/// </summary>
public static class Tombstones
{
    public static string Hash(string customerId)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"privateflows-erased\u001f{customerId}")));
    }
}
