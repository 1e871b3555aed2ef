namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary>What a step did: go on to <see cref="Next"/> (null: past the last step), or stop because the instance now waits or ended.</summary>
internal readonly record struct StepMove(string? Next, bool Stops)
{
    public static readonly StepMove Stop = new(null, true);

    public static StepMove GoTo(string? next) => new(next, false);
}
