using System.Collections.Immutable;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Storage;

/// <summary>A history entry as the customer's and the instance's history keep it.</summary>
public sealed record HistoryRow(string CustomerId, HistoryEntry Entry);

/// <summary>A change to the timer index, in the order the decision made it: <see cref="Scheduled"/> added, or (null) the timer removed.</summary>
public sealed record TimerChange(string TimerId, DueTimer? Scheduled);

/// <summary>Who referred the customer, as the referral anti-fraud check reads it back.</summary>
public sealed record ReferralLink(string RefereeId, string ReferrerId, DateTimeOffset AcceptedAt);

/// <summary>
/// The moves of a customer's in-flight instances in the live-count step index. With <see cref="ReplaceAll"/> the
/// replaced document was not at hand: the customer's rows become exactly <see cref="Upserted"/>.
/// </summary>
public sealed record StepIndexMoves(ImmutableArray<KeyValuePair<string, IndexedStep>> Upserted, ImmutableArray<string> Removed, bool ReplaceAll)
{
    public static readonly StepIndexMoves None = new([], [], false);

    public bool IsEmpty => !ReplaceAll && Upserted.IsEmpty && Removed.IsEmpty;
}
