using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary><c>set_attribute</c>: sets a profile attribute to an expression's value.</summary>
internal sealed class SetAttributeBehaviour : StepBehaviour<SetAttributeStep>
{
    protected override StepMove Run(InstanceRun run, SetAttributeStep attribute)
    {
        var value = ScriptModel.Format(run.Evaluate(attribute.Value));
        run.Decision.UpdateProfile(p => p with { Attributes = p.Attributes.SetItem(attribute.Name, value) });
        run.Decision.Effects.Add(new SetAttribute(run.EffectId("attribute"), run.Instance.CustomerId, run.Instance.InstanceId, attribute.Name, value));
        run.History(HistoryKind.Action, attribute.Id, HistoryWording.SetAttribute(attribute.Name, value));
        return StepMove.GoTo(run.Journey.DefaultNext(attribute));
    }
}
