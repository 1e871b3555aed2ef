using System.Collections.Immutable;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Workflows.Insights;

/// <summary>The answer to "why didn't customer X get message Y?", with the history lines that prove it.</summary>
public sealed record Explanation(
    ExplanationStatus Status,
    string Summary,
    string? InstanceId,
    DateTimeOffset? At,
    ImmutableArray<HistoryEntry> Evidence);

public enum ExplanationStatus
{
    NeverTriggered,
    NotEntered,
    Sent,
    Suppressed,
    Deferred,
    Waiting,
    HeldOut,
    Exited,
    Converted,
    Faulted,
    TookAnotherPath,
    Cancelled,
}
