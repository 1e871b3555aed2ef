using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine;

/// <summary>One customer's run through one journey version. Immutable; the decider returns a new one per step.</summary>
public sealed record JourneyInstance
{
    public required string InstanceId { get; init; }
    public required string CustomerId { get; init; }
    public required string Journey { get; init; }
    /// <summary>Content hash of the journey version the instance is pinned to.</summary>
    public required string Version { get; init; }
    public required CustomerEvent EntryEvent { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public InstanceStatus Status { get; init; } = InstanceStatus.Active;
    public string? StepId { get; init; }
    public Waiting? Waiting { get; init; }
    public ImmutableArray<DeferredSend> DeferredSends { get; init; } = [];
    public string? Variant { get; init; }
    public ImmutableSortedDictionary<string, string> Vars { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>Counts steps taken; part of every effect id so a step visited twice yields distinct, replay-stable ids.</summary>
    public int Sequence { get; init; }
    /// <summary>Number of history entries written; gives each entry a replay-stable id.</summary>
    public int HistoryCount { get; init; }
    public DateTimeOffset? GoalDeadline { get; init; }
    public InstanceOutcome? Outcome { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? Error { get; init; }

    public bool IsActive => Status == InstanceStatus.Active;
}
