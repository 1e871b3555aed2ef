namespace PrivateFlows.Workflows.Engine;

/// <summary>One thing that happened to an instance, in the words ops and marketers use.</summary>
public sealed record HistoryEntry(
    string EntryId,
    string InstanceId,
    string Journey,
    DateTimeOffset Time,
    HistoryKind Kind,
    string? Step,
    string Detail);

public enum HistoryKind
{
    NotEntered,
    Entered,
    Waiting,
    Waited,
    EventMatched,
    TimedOut,
    Sent,
    Suppressed,
    Deferred,
    Branched,
    SplitVariant,
    HeldOut,
    Action,
    GoalReached,
    Exited,
    Completed,
    Cancelled,
    Faulted,
    Retried,
}
