using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary><c>end</c>: ends the instance with the step's outcome (converted, exited or completed).</summary>
internal sealed class EndBehaviour : StepBehaviour<EndStep>
{
    protected override StepMove Run(InstanceRun run, EndStep end)
    {
        var kind = end.Outcome switch
        {
            InstanceOutcome.Converted => HistoryKind.GoalReached,
            InstanceOutcome.Exited => HistoryKind.Exited,
            _ => HistoryKind.Completed,
        };
        run.End(end.Outcome, kind, HistoryWording.EndedAtStep(end.Id));
        return StepMove.Stop;
    }
}
