using System.Collections.Immutable;

namespace PrivateFlows.Workflows.Language;

/// <summary>A parsed journey file. Positions point back into the YAML for diagnostics.</summary>
public sealed record JourneyDefinition
{
    public required string Name { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public SendCategory Category { get; init; } = SendCategory.Marketing;
    public int Priority { get; init; } = 50;
    public required EntrySpec Entry { get; init; }
    public GoalSpec? Goal { get; init; }
    public ImmutableArray<ExitSpec> Exits { get; init; } = [];
    public ImmutableArray<Step> Steps { get; init; } = [];
    public string Path { get; init; } = "";
    public SourceSpan At { get; init; }

    /// <summary>Where option values start, by the position of the mapping (or step kind) that holds them and their key.</summary>
    public ImmutableDictionary<(SourceSpan Owner, string Key), SourceSpan> ValuePositions { get; init; } =
        ImmutableDictionary<(SourceSpan Owner, string Key), SourceSpan>.Empty;

    /// <summary>Where the value of <paramref name="key"/> under <paramref name="owner"/> starts (the owner itself when unknown).</summary>
    public SourceSpan ValueAt(SourceSpan owner, string key) => ValuePositions.TryGetValue((owner, key), out var at) ? at : owner;

    public Step? FindStep(string id) => Steps.FirstOrDefault(s => s.Id == id);

    /// <summary>The step that runs after <paramref name="step"/> when it names no <c>next</c>; null after the last step.</summary>
    public string? DefaultNext(Step step)
    {
        if (step.Next is not null) return step.Next;
        var index = Steps.IndexOf(step);
        return index >= 0 && index + 1 < Steps.Length ? Steps[index + 1].Id : null;
    }
}

public sealed record EntrySpec(
    ImmutableArray<string> Events,
    string? Condition,
    string? Segment,
    ReentryPolicy Reentry,
    SourceSpan At);

public sealed record GoalSpec(string Event, TimeSpan Within, string? Condition, SourceSpan At);

public sealed record ExitSpec(string Event, string? Condition, SourceSpan At);
