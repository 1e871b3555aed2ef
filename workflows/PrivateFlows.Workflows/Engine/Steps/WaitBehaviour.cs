using System.Globalization;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Engine.Steps;

/// <summary><c>wait</c>: a duration from now or from entry, or a number of days from an expression (e.g. a product's use cycle).</summary>
internal sealed class WaitBehaviour : StepBehaviour<WaitStep>
{
    protected override StepMove Run(InstanceRun run, WaitStep step)
    {
        var next = run.Journey.DefaultNext(step);
        var due = Due(run, step);
        if (due <= run.Now)
        {
            run.History(HistoryKind.Waited, step.Id, HistoryWording.WaitAlreadyOver(due));
            return StepMove.GoTo(next);
        }

        due = TimerDue.RoundUp(due);
        return run.Wait(step, due, WaitingReason.Wait, null, HistoryWording.WaitingUntil(due));
    }

    private static DateTimeOffset Due(InstanceRun run, WaitStep wait)
    {
        var from = wait.FromEntry ? run.Instance.EntryEvent.Time : run.Now;
        if (wait.Duration is { } d) return from + d;
        object? days = null;
        try
        {
            days = run.Evaluate(wait.DaysExpression!);
        }
        catch (TemplateException) when (wait.Default is not null)
        {
            // Fall back to the default below: a missing use cycle must not stall the journey.
        }

        if (days is not null && decimal.TryParse(ScriptModel.Format(days), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            return from + TimeSpan.FromDays((double)n);
        }

        return from + (wait.Default ?? throw new TemplateException($"wait '{wait.Id}': '{wait.DaysExpression}' gave no number of days and there is no default"));
    }
}
