using System.Globalization;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Conditions;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine.Steps;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// Moves one instance through its journey until it waits or ends: its lifecycle (start, event, timer, goal, exit,
/// cancel, retry, fail) lives here, what each step kind does lives in <see cref="StepBehaviours"/>, the history texts
/// in <see cref="HistoryWording"/>. Every id it makes comes from the instance id and its step sequence (<see cref="DeterministicIds"/>).
/// </summary>
internal sealed class InstanceRun(DecisionBuilder decision, JourneyVersion version, JourneyInstance instance)
{
    /// <summary>Guards against a runaway journey even though validation refuses loops without a wait.</summary>
    public const int MaxStepsPerDecision = 200;

    private readonly JourneyDefinition _journey = version.Definition;
    private JourneyInstance _instance = instance;

    /// <summary>Wait steps whose wait ended in this decision: reaching one again at the same instant waits for the next time.</summary>
    private readonly HashSet<string> _waitEndedNow = new(StringComparer.Ordinal);

    /// <summary>The instance as it stands; step behaviours replace it as they change it.</summary>
    public JourneyInstance Instance
    {
        get => _instance;
        internal set => _instance = value;
    }

    internal DecisionBuilder Decision => decision;
    internal JourneyVersion Version => version;
    internal JourneyDefinition Journey => _journey;
    internal DateTimeOffset Now => decision.Now;

    public void Start()
    {
        History(HistoryKind.Entered, null, HistoryWording.Entered(_instance.EntryEvent, version));
        RunFrom(_journey.Steps.IsEmpty ? null : _journey.Steps[0].Id);
        Save();
    }

    /// <summary>Offers an event to the instance: goal, then exit, then the event it waits for.</summary>
    public bool OnEvent(CustomerEvent e)
    {
        if (!_instance.IsActive) return false;
        var goal = _journey.Goal;
        if (goal is not null && goal.Event == e.Type && _instance.GoalDeadline is { } deadline && e.Time <= deadline && Condition(goal.Condition, e))
        {
            // The goal event's amount is the revenue attributed to the journey.
            if (e.DataDecimal("amount") is { } revenue)
            {
                _instance = _instance with { Vars = _instance.Vars.SetItem("goal_amount", revenue.ToString(CultureInfo.InvariantCulture)) };
            }

            End(InstanceOutcome.Converted, HistoryKind.GoalReached, HistoryWording.GoalReached(goal, e));
            return Save();
        }

        var exit = _journey.Exits.FirstOrDefault(x => x.Event == e.Type && Condition(x.Condition, e));
        if (exit is not null)
        {
            End(InstanceOutcome.Exited, HistoryKind.Exited, HistoryWording.ExitEvent(e));
            return Save();
        }

        var waiting = _instance.Waiting;
        if (waiting?.Reason == WaitingReason.WaitFor && waiting.EventType == e.Type && _journey.FindStep(_instance.StepId!) is WaitForStep step)
        {
            if (waiting.Match.Any(m => e.DataString(m.Key) != m.Value)) return false;
            if (!Condition(step.Condition, e)) return false;
            CancelTimer();
            if (step.SaveAs is not null)
            {
                var vars = _instance.Vars;
                foreach (var (field, value) in e.Data)
                {
                    if (value is JsonValue v) vars = vars.SetItem($"{step.SaveAs}_{field}", ScriptModel.Format(ScriptModel.Json(v)));
                }

                _instance = _instance with { Vars = vars };
            }

            History(HistoryKind.EventMatched, step.Id, HistoryWording.EventArrived(e));
            RunFrom(_journey.DefaultNext(step));
            return Save();
        }

        return false;
    }

    public bool OnTimer(TimerFired timer)
    {
        var deferred = _instance.DeferredSends.FirstOrDefault(d => d.TimerId == timer.TimerId);
        if (deferred is not null) return OnDeferredSendDue(deferred);

        var waiting = _instance.Waiting;
        if (!_instance.IsActive || waiting?.TimerId != timer.TimerId) return false; // stale: the instance moved on
        var step = _journey.FindStep(_instance.StepId!);
        if (step is null)
        {
            Fault(HistoryWording.StepGone(_instance.StepId, version));
            return Save();
        }

        _instance = _instance with { Waiting = null };
        switch (waiting.Reason)
        {
            case WaitingReason.Wait:
                History(HistoryKind.Waited, step.Id, HistoryWording.Waited(timer.DueAt));
                MarkWaitEnded(step.Id);
                RunFrom(_journey.DefaultNext(step));
                break;
            case WaitingReason.WaitFor:
                var waitFor = (WaitForStep)step;
                History(HistoryKind.TimedOut, step.Id, HistoryWording.TimedOut(waitFor));
                RunFrom(waitFor.OnTimeout);
                break;
            case WaitingReason.Holdout:
                End(InstanceOutcome.Completed, HistoryKind.Completed, HistoryWording.HoldoutOver);
                break;
        }

        return Save();
    }

    public void Cancel(string reason)
    {
        if (_instance.Status == InstanceStatus.Ended) return;
        End(InstanceOutcome.Cancelled, HistoryKind.Cancelled, reason);
        Save();
    }

    public void Retry()
    {
        if (_instance.Status != InstanceStatus.Faulted) return;
        _instance = _instance with { Status = InstanceStatus.Active, Error = null };
        History(HistoryKind.Retried, _instance.StepId, HistoryWording.Retrying(_instance.StepId));
        RunFrom(_instance.StepId);
        Save();
    }

    /// <summary>Parks the instance with an error that surfaced outside a step (e.g. a goal condition that cannot be evaluated).</summary>
    public void Fail(string error)
    {
        Fault(error);
        Save();
    }

    private bool Save()
    {
        decision.State = decision.State.WithInstance(_instance);
        return true;
    }

    /// <summary>
    /// A deferred send falls due. It goes out if still relevant: the instance may have moved on (a deferral never
    /// holds up the journey), but not if it converted, exited, was cancelled or failed in the meantime.
    /// </summary>
    private bool OnDeferredSendDue(DeferredSend deferred)
    {
        _instance = _instance with { DeferredSends = _instance.DeferredSends.Remove(deferred), Sequence = _instance.Sequence + 1 };
        var step = _journey.FindStep(deferred.StepId) as SendStep;
        if (step is null)
        {
            History(HistoryKind.Suppressed, deferred.StepId, HistoryWording.DeferredStepGone(deferred.StepId));
        }
        else if (_instance.Status == InstanceStatus.Faulted || _instance.Outcome is InstanceOutcome.Converted or InstanceOutcome.Exited or InstanceOutcome.Cancelled or InstanceOutcome.Failed)
        {
            History(HistoryKind.Suppressed, step.Id, HistoryWording.NoLongerRelevant(step.Template, _instance.Status == InstanceStatus.Faulted ? "failed" : OutcomeWord(_instance.Outcome)));
        }
        else
        {
            try
            {
                SendBehaviour.Send(this, step, deferred.Since);
            }
            catch (TemplateException e)
            {
                History(HistoryKind.Suppressed, step.Id, HistoryWording.NotSent(step.Template, e.Message));
            }
        }

        return Save();
    }

    private static string OutcomeWord(InstanceOutcome? outcome) => outcome?.ToString().ToLowerInvariant() ?? "ended";

    private void RunFrom(string? stepId)
    {
        for (var count = 0; _instance.IsActive; count++)
        {
            if (count >= MaxStepsPerDecision)
            {
                Fault(HistoryWording.TooManySteps(MaxStepsPerDecision));
                return;
            }

            if (stepId is null)
            {
                End(InstanceOutcome.Completed, HistoryKind.Completed, HistoryWording.ReachedEnd);
                return;
            }

            var step = _journey.FindStep(stepId);
            if (step is null)
            {
                Fault(HistoryWording.StepMissing(stepId, version));
                return;
            }

            _instance = _instance with { StepId = step.Id, Sequence = _instance.Sequence + 1, Waiting = null };
            try
            {
                var move = StepBehaviours.For(step).Run(this, step);
                if (move.Stops) return;
                stepId = move.Next;
            }
            catch (TemplateException e)
            {
                Fault(e.Message);
                return;
            }
        }
    }

    /// <summary>Parks the instance at <paramref name="step"/> until <paramref name="until"/> (or, for a wait_for, the event) on a new timer.</summary>
    internal StepMove Wait(Step step, DateTimeOffset until, WaitingReason reason, Func<Waiting, Waiting>? shape, string detail)
    {
        until = TimerDue.RoundUp(until); // timers have millisecond resolution in every store
        var timerId = EffectId("timer");
        var waiting = new Waiting { TimerId = timerId, Until = until, Reason = reason };
        _instance = _instance with { Waiting = shape is null ? waiting : shape(waiting) };
        decision.Effects.Add(new ScheduleTimer(timerId, _instance.CustomerId, timerId, _instance.InstanceId, until));
        History(HistoryKind.Waiting, step.Id, detail);
        return StepMove.Stop;
    }

    /// <summary>True when the wait at this step already ended in this decision (a loop reached it again at the same instant).</summary>
    internal bool WaitEndedNow(string stepId) => _waitEndedNow.Contains(stepId);

    internal void MarkWaitEnded(string stepId) => _waitEndedNow.Add(stepId);

    internal void End(InstanceOutcome outcome, HistoryKind kind, string detail)
    {
        CancelTimer();
        if (outcome != InstanceOutcome.Completed) DropDeferredSends(OutcomeWord(outcome));
        // An ended instance stays on the customer for a while (re-entry, explain, cancel says "already ended"), but its
        // entry event's payload is no longer read; dropping it keeps the document small (history keeps the event id).
        _instance = _instance with
        {
            Status = InstanceStatus.Ended, Outcome = outcome, EndedAt = Now, Waiting = null,
            EntryEvent = _instance.EntryEvent with { Data = [] },
        };
        decision.Effects.Add(new CompleteInstance(EffectId("complete"), _instance.CustomerId, _instance.InstanceId, _journey.Name, outcome, _instance.Variant));
        History(kind, _instance.StepId, HistoryWording.Ended(outcome, detail));
    }

    private void Fault(string error)
    {
        CancelTimer();
        _instance = _instance with { Status = InstanceStatus.Faulted, Error = error, Waiting = null };
        History(HistoryKind.Faulted, _instance.StepId, error);
    }

    /// <summary>Deferred sends of a converted, exited or cancelled instance are no longer relevant.</summary>
    private void DropDeferredSends(string why)
    {
        foreach (var deferred in _instance.DeferredSends)
        {
            decision.Effects.Add(new CancelTimer(EffectId(DeterministicIds.DropDeferredKind(deferred.TimerId)), _instance.CustomerId, deferred.TimerId, _instance.InstanceId));
            var template = (_journey.FindStep(deferred.StepId) as SendStep)?.Template ?? deferred.StepId;
            History(HistoryKind.Suppressed, deferred.StepId, HistoryWording.NoLongerRelevant(template, why));
        }

        _instance = _instance with { DeferredSends = [] };
    }

    private void CancelTimer()
    {
        if (_instance.Waiting?.TimerId is { } timerId)
        {
            decision.Effects.Add(new CancelTimer(EffectId("cancel"), _instance.CustomerId, timerId, _instance.InstanceId));
        }
    }

    internal void History(HistoryKind kind, string? step, string detail)
    {
        var id = DeterministicIds.HistoryEntry(_instance.InstanceId, _instance.HistoryCount);
        _instance = _instance with { HistoryCount = _instance.HistoryCount + 1 };
        decision.Effects.Add(new RecordHistory(id, _instance.CustomerId, new HistoryEntry(id, _instance.InstanceId, _journey.Name, Now, kind, step, detail)));
    }

    /// <summary>The id of an effect of the current step (<see cref="DeterministicIds.Effect"/>); timers are effects too.</summary>
    internal string EffectId(string kind) => DeterministicIds.Effect(_instance.InstanceId, _instance.Sequence, kind);

    private ExpressionInputs Inputs(CustomerEvent? e) => ExpressionInputs.For(decision.Profile, e ?? _instance.EntryEvent, _instance, Now, decision.Context.Program);

    internal ScriptObject Model(CustomerEvent? e, TemplateReads reads) => Inputs(e).Model(reads);

    internal object? Evaluate(string expression) => JourneyExpressions.Evaluate(expression, Inputs(decision.Event));

    internal bool IsTrue(string expression) => JourneyExpressions.IsTrue(expression, Inputs(decision.Event));

    private bool Condition(string? expression, CustomerEvent e) =>
        expression is null || JourneyExpressions.IsTrue(expression, Inputs(e));

    internal static string Format(DateTimeOffset t) => HistoryWording.Time(t);
}
