using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary><c>branch</c>: the first case whose condition is true, else the <c>else</c> case, else the next step.</summary>
internal sealed class BranchBehaviour : StepBehaviour<BranchStep>
{
    protected override StepMove Run(InstanceRun run, BranchStep step)
    {
        foreach (var c in step.Cases)
        {
            if (c.When is null)
            {
                run.History(HistoryKind.Branched, step.Id, HistoryWording.NoConditionTrue(c.Next));
                return StepMove.GoTo(c.Next);
            }

            if (run.IsTrue(c.When))
            {
                run.History(HistoryKind.Branched, step.Id, HistoryWording.BranchTaken(c.When, c.Next));
                return StepMove.GoTo(c.Next);
            }
        }

        var next = run.Journey.DefaultNext(step);
        run.History(HistoryKind.Branched, step.Id, HistoryWording.NoConditionTrue(next));
        return StepMove.GoTo(next);
    }
}
