using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary>
/// <c>split</c>: the holdout group first, then the declared winner if there is one, else a variant by weight. Both draws
/// hash the customer and the journey (<see cref="DeterministicIds.Bucket"/>), so a customer always lands in the same group.
/// </summary>
internal sealed class SplitBehaviour : StepBehaviour<SplitStep>
{
    protected override StepMove Run(InstanceRun run, SplitStep split)
    {
        var customer = run.Instance.CustomerId;
        var journey = run.Journey.Name;
        if (split.Holdout > 0 && DeterministicIds.Bucket(customer, journey, "holdout", 100) < split.Holdout)
        {
            run.Instance = run.Instance with { Variant = "holdout" };
            run.History(HistoryKind.HeldOut, split.Id, HistoryWording.HeldOut(split.Holdout));
            if (run.Instance.GoalDeadline is { } goalDeadline && goalDeadline > run.Now)
            {
                var deadline = TimerDue.RoundUp(goalDeadline);
                return run.Wait(split, deadline, WaitingReason.Holdout, null, HistoryWording.HoldoutUntil(deadline));
            }

            run.End(InstanceOutcome.Completed, HistoryKind.Completed, HistoryWording.HeldOutEnded);
            return StepMove.Stop;
        }

        if (split.Winner is not null && run.Decision.Context.Winners.TryGetValue(journey, out var winner) && split.Variants.FirstOrDefault(v => v.Name == winner) is { } won)
        {
            run.Instance = run.Instance with { Variant = won.Name, Vars = run.Instance.Vars.SetItem("variant", won.Name) };
            run.History(HistoryKind.SplitVariant, split.Id, HistoryWording.WinningVariant(won, split.Winner));
            return StepMove.GoTo(won.Next);
        }

        var total = split.Variants.Sum(v => v.Weight);
        var point = DeterministicIds.Bucket(customer, journey, "variant", 10_000) * total / 10_000;
        foreach (var variant in split.Variants)
        {
            if (point < variant.Weight)
            {
                run.Instance = run.Instance with { Variant = variant.Name, Vars = run.Instance.Vars.SetItem("variant", variant.Name) };
                run.History(HistoryKind.SplitVariant, split.Id, HistoryWording.Variant(variant));
                return StepMove.GoTo(variant.Next);
            }

            point -= variant.Weight;
        }

        // Weights that do not add up (rounding) leave the rest to the last variant.
        var last = split.Variants[^1];
        run.Instance = run.Instance with { Variant = last.Name };
        run.History(HistoryKind.SplitVariant, split.Id, HistoryWording.Variant(last));
        return StepMove.GoTo(last.Next);
    }
}
