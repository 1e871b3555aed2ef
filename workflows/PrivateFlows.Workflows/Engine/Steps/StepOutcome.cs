namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary>What a step did: go on to <see cref="Next"/> (null: past the last step), or stop because the instance now waits or ended.</summary>
internal readonly record struct StepOutcome(string? Next, bool Stops)
{
    public static readonly StepOutcome Stop = new(null, true);

    public static StepOutcome GoTo(string? next) => new(next, false);
}
