using System.Collections.Frozen;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary>
/// Every step kind's behaviour, by step record. A new step kind is its record in <c>Language/Step.cs</c> (with parser,
/// schema and validation), one behaviour file in this folder, and one line here.
/// </summary>
internal static class StepBehaviours
{
    private static readonly FrozenDictionary<Type, IStepBehaviour> ByStepType = new IStepBehaviour[]
    {
        new SendBehaviour(),
        new WaitBehaviour(),
        new WaitUntilBehaviour(),
        new WaitForBehaviour(),
        new BranchBehaviour(),
        new SplitBehaviour(),
        new AwardPointsBehaviour(),
        new IssueCouponBehaviour(),
        new TagBehaviour(),
        new SetAttributeBehaviour(),
        new WebhookBehaviour(),
        new ReferralRewardBehaviour(),
        new EndBehaviour(),
    }.ToFrozenDictionary(b => b.StepType);

    /// <summary>The step kinds the engine can run.</summary>
    public static IEnumerable<Type> StepTypes => ByStepType.Keys;

    public static IStepBehaviour For(Step step) =>
        ByStepType.TryGetValue(step.GetType(), out var behaviour) ? behaviour : throw new InvalidOperationException($"unknown step kind {step.Kind}");
}
