using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary>
/// What one step kind does when an instance reaches it: write effects and history through the <see cref="InstanceRun"/>
/// and say where the instance goes next. Stateless, so one object serves every instance (registered in <see cref="StepBehaviours"/>).
/// </summary>
internal abstract class StepBehaviour<TStep> : IStepBehaviour
    where TStep : Step
{
    public Type StepType => typeof(TStep);

    public StepMove Run(InstanceRun run, Step step) => Run(run, (TStep)step);

    protected abstract StepMove Run(InstanceRun run, TStep step);
}
