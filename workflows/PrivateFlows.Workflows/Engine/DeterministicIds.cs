using System.Globalization;
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

    /// <summary>
    /// An effect of an instance's step (a send, a timer, a ledger entry …): the step sequence tells a step visited twice
    /// apart, the kind tells the effects of one step apart. Timer ids are effect ids too.
    /// </summary>
    public static string Effect(string instanceId, int sequence, string kind) =>
        $"{instanceId}/{sequence.ToString(CultureInfo.InvariantCulture)}/{kind}";

    /// <summary>The kind of the effect that cancels a deferred send's timer (one per deferred send dropped in a step).</summary>
    public static string DropDeferredKind(string timerId) => $"drop-{Hash(timerId)[..8]}";

    /// <summary>The n-th history entry of an instance.</summary>
    public static string HistoryEntry(string instanceId, int count) => $"{instanceId}/h{count.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A coupon code: the coupon's name and a hash of where it was issued, the same on every replay.</summary>
    public static string CouponCode(string coupon, string instanceId, string stepId, int sequence) =>
        $"{coupon}-{Hash(instanceId, stepId, sequence.ToString(CultureInfo.InvariantCulture))[..8].ToUpperInvariant()}";

    /// <summary>The referee's ledger entry of a referral reward (the referrer's is credited by the runtime).</summary>
    public static string RefereeCredit(string referralEffectId) => $"{referralEffectId}/referee";
}
