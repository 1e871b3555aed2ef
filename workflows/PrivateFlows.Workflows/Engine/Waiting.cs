using System.Collections.Immutable;

namespace PrivateFlows.Workflows.Engine;

/// <summary>What an active instance is waiting for at its current step.</summary>
public sealed record Waiting
{
    /// <summary>Timer that moves the instance on (a wait, a wait_for timeout, a holdout window).</summary>
    public string? TimerId { get; init; }
    public DateTimeOffset? Until { get; init; }
    /// <summary>For wait_for: the event type awaited and the data values it must carry.</summary>
    public string? EventType { get; init; }
    public ImmutableSortedDictionary<string, string> Match { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public WaitingReason Reason { get; init; }
}

public enum WaitingReason { Wait, WaitFor, Holdout }
