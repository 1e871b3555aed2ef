using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary><c>tag</c> / <c>untag</c>: adds or removes profile tags (segments and later conditions see them at once).</summary>
internal sealed class TagBehaviour : StepBehaviour<TagStep>
{
    protected override StepMove Run(InstanceRun run, TagStep tag)
    {
        run.Decision.UpdateProfile(p => p with { Tags = tag.Remove ? p.Tags.Except(tag.Tags) : p.Tags.Union(tag.Tags) });
        run.Decision.Effects.Add(new ChangeTags(run.EffectId(tag.Remove ? "untag" : "tag"), run.Instance.CustomerId, run.Instance.InstanceId, tag.Remove ? [] : tag.Tags, tag.Remove ? tag.Tags : []));
        run.History(HistoryKind.Action, tag.Id, HistoryWording.Tagged(tag.Remove, tag.Tags));
        return StepMove.GoTo(run.Journey.DefaultNext(tag));
    }
}
