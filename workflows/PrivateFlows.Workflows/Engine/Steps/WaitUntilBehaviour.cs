using System.Globalization;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary><c>wait_until</c>: the next time of day, or the next calendar day from an expression, in the customer's time zone.</summary>
internal sealed class WaitUntilBehaviour : StepBehaviour<WaitUntilStep>
{
    protected override StepMove Run(InstanceRun run, WaitUntilStep step)
    {
        // Reached exactly at the time it waits for, the wait is over — unless this step's wait already ended
        // at this instant (a loop back to it, e.g. birthday-care's yearly loop), which waits for the next one.
        var at = Due(run, step, includeNow: !run.WaitEndedNow(step.Id));
        if (at <= run.Now)
        {
            run.History(HistoryKind.Waited, step.Id, HistoryWording.WaitAlreadyOver(at));
            run.MarkWaitEnded(step.Id);
            return StepMove.GoTo(run.Journey.DefaultNext(step));
        }

        return run.Wait(step, at, WaitingReason.Wait, null, HistoryWording.WaitingUntilLocal(at, run.Decision.Profile.TimeZone));
    }

    private static DateTimeOffset Due(InstanceRun run, WaitUntilStep until, bool includeNow)
    {
        var zone = run.Decision.Profile.TimeZone;
        if (until.DateExpression is null) return CustomerClock.NextTimeOfDay(run.Now, until.Time, zone, includeNow);
        var text = ScriptModel.Format(run.Evaluate(until.DateExpression));
        var parts = text.Split('-');
        if (parts.Length >= 2
            && int.TryParse(parts[^2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var month)
            && int.TryParse(parts[^1][..Math.Min(2, parts[^1].Length)], NumberStyles.Integer, CultureInfo.InvariantCulture, out var day)
            && month is >= 1 and <= 12 && day is >= 1 and <= 31)
        {
            return CustomerClock.NextAnnual(run.Now, month, day, until.Time, zone, includeNow);
        }

        throw new TemplateException($"wait_until '{until.Id}': '{until.DateExpression}' gave '{text}', not a MM-dd or yyyy-MM-dd date");
    }
}
