using System.Collections.Immutable;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary>
/// <c>wait_for</c>: waits for an event carrying the match values (evaluated now, e.g. the entry order's id) until a timeout.
/// The event's arrival and the timeout are lifecycle moves of <see cref="InstanceRun"/>.
/// </summary>
internal sealed class WaitForBehaviour : StepBehaviour<WaitForStep>
{
    protected override StepMove Run(InstanceRun run, WaitForStep step)
    {
        var match = step.Match.ToImmutableSortedDictionary(m => m.Key, m => ScriptModel.Format(run.Evaluate(m.Value)), StringComparer.Ordinal);
        var timeoutAt = TimerDue.RoundUp(run.Now + step.Timeout);
        return run.Wait(step, timeoutAt, WaitingReason.WaitFor, w => w with { EventType = step.Event, Match = match }, HistoryWording.WaitingFor(step.Event, match, timeoutAt));
    }
}
