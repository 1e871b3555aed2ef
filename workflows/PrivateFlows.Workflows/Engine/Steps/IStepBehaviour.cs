using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary>A step kind's behaviour as the run sees it; implement it through <see cref="StepBehaviour{TStep}"/>.</summary>
internal interface IStepBehaviour
{
    /// <summary>The <see cref="Step"/> record this behaviour runs.</summary>
    Type StepType { get; }

    /// <summary>Runs the step for the instance; a <see cref="Templates.TemplateException"/> faults the instance at this step.</summary>
    StepMove Run(InstanceRun run, Step step);
}
