using System.Collections.Immutable;
using PrivateFlows.Workflows.Conditions;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// The pure decider for one customer: applies an event to the profile, moves running instances (goal, exit,
/// awaited event), starts journeys whose entry matches, and enforces contact pressure across them.
/// Same inputs, same outputs: no clock, no random, no I/O.
/// </summary>
public static class CustomerDecider
{
    /// <summary>Ended instances stay on the customer this long (then only their history remains).</summary>
    public static readonly TimeSpan KeepEndedInstances = TimeSpan.FromDays(30);
    public const int MaxEndedInstances = 20;

    /// <summary>An event dated further than this after the decision instant is decided as happening at that instant.</summary>
    public static readonly TimeSpan FutureEventLimit = TimeSpan.FromDays(1);

    public static Decision Decide(CustomerState state, DecisionInput input, DecisionContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);

        if (input is EventReceived { Event: var far } && far.Time > context.Now + FutureEventLimit)
        {
            // A producer's clock far off (or a year-9999 date): the event is taken as happening now, so no profile date,
            // wait or window lies in a future that local calendars cannot even show. The inbox keeps the time it carried.
            input = new EventReceived(far with { Time = context.Now });
        }

        var builder = new DecisionBuilder(StatePruning.Prune(state, context), context, (input as EventReceived)?.Event);
        LoyaltyDecision.Housekeeping(builder); // points expiring and tier reviews due by now, whatever the input
        switch (input)
        {
            case EventReceived received:
                OnEvent(builder, received.Event);
                break;
            case TimerFired timer:
                OnTimersDue(builder, timer);
                break;
            case CancelRequested cancel:
                WithInstance(builder, cancel.InstanceId, run => run.Cancel(cancel.Reason));
                break;
            case RetryRequested retry:
                WithInstance(builder, retry.InstanceId, run => run.Retry());
                break;
            default:
                throw new ArgumentException($"unknown input {input.GetType().Name}", nameof(input));
        }

        LoyaltyDecision.Finish(builder);
        return new Decision(StatePruning.TrimEntryData(builder.State, context), [.. builder.Effects]);
    }

    private static void OnEvent(DecisionBuilder builder, CustomerEvent e)
    {
        builder.UpdateProfile(p => ProfileProjection.Apply(p, e, builder.Context.Program));
        LoyaltyDecision.OnEvent(builder, e);
        ReferralDecision.OnEvent(builder, e);

        // Running instances first, so that an event that ends one (goal, exit) frees the slot for re-entry.
        // Higher-priority journeys act first, so they get first claim on the customer's contact slots.
        // Only instances that can react to this event type are offered it; the others would leave it untouched.
        List<JourneyInstance>? interested = null;
        foreach (var instance in builder.State.Instances)
        {
            if (instance.IsActive && builder.Context.FindVersion(instance.Version) is { } version && EventInterest.ReactsTo(instance, version.Definition, e.Type))
            {
                (interested ??= []).Add(instance);
            }
        }

        if (interested is not null)
        {
            foreach (var instance in ByPriority(builder, interested))
            {
                WithInstance(builder, instance.InstanceId, run => run.OnEvent(e));
            }
        }

        // Journeys whose entry this event can trigger (usually one or two), in priority order.
        List<JourneyVersion>? triggered = null;
        foreach (var journey in builder.Context.Journeys)
        {
            if (journey.Definition.Entry.Events.Contains(e.Type)) (triggered ??= []).Add(journey);
        }

        if (triggered is null) return;
        if (triggered.Count > 1)
        {
            triggered.Sort(static (a, b) => a.Definition.Priority != b.Definition.Priority
                ? b.Definition.Priority.CompareTo(a.Definition.Priority)
                : string.CompareOrdinal(a.Name, b.Name));
        }

        foreach (var journey in triggered) TryEnter(builder, journey, e);
    }

    /// <summary>
    /// Everything of the customer's that falls due at the fired timer's instant is decided together, in priority order
    /// (as an event is offered to instances): otherwise whichever timer the runtime happened to fire first would take
    /// the contact slot. The other timers due then are consumed here (cancelled): when the runtime fires them anyway
    /// they are stale, and ignored.
    /// </summary>
    private static void OnTimersDue(DecisionBuilder builder, TimerFired fired)
    {
        var due = new List<(JourneyInstance Instance, TimerFired Timer)>();
        var firedInstance = builder.State.FindInstance(fired.InstanceId);
        if (firedInstance is not null) due.Add((firedInstance, fired));
        foreach (var instance in builder.State.Instances)
        {
            if (instance.Waiting is { TimerId: { } waitTimer, Until: { } until } && until == fired.DueAt && waitTimer != fired.TimerId)
            {
                due.Add((instance, new TimerFired(waitTimer, instance.InstanceId, until)));
            }

            foreach (var deferred in instance.DeferredSends)
            {
                if (deferred.DueAt == fired.DueAt && deferred.TimerId != fired.TimerId) due.Add((instance, new TimerFired(deferred.TimerId, instance.InstanceId, deferred.DueAt)));
            }
        }

        if (due.Count == 1)
        {
            OnTimerDue(builder, fired, due[0].Instance, due[0].Timer); // the usual case: nothing to order
            return;
        }

        var order = ByPriority(builder, due.Select(d => d.Instance).DistinctBy(i => i.InstanceId)).Select((i, index) => (i.InstanceId, index)).ToDictionary(x => x.InstanceId, x => x.index, StringComparer.Ordinal);
        foreach (var (instance, timer) in due.OrderBy(d => order[d.Instance.InstanceId]).ThenBy(d => d.Timer.TimerId, StringComparer.Ordinal))
        {
            OnTimerDue(builder, fired, instance, timer);
        }
    }

    private static void OnTimerDue(DecisionBuilder builder, TimerFired fired, JourneyInstance instance, TimerFired timer)
    {
        if (timer.TimerId != fired.TimerId)
        {
            builder.Effects.Add(new CancelTimer($"{timer.TimerId}/due-together", builder.State.CustomerId, timer.TimerId, instance.InstanceId));
        }

        WithInstance(builder, instance.InstanceId, run => run.OnTimer(timer));
    }

    /// <summary>Higher-priority journeys act first, so they get first claim on the customer's contact slots.</summary>
    private static List<JourneyInstance> ByPriority(DecisionBuilder builder, IEnumerable<JourneyInstance> instances)
    {
        List<JourneyInstance> ordered = [.. instances];
        if (ordered.Count < 2) return ordered;
        var journeys = builder.Context.Journeys;
        int Priority(string journey)
        {
            // The catalog holds a handful of journeys: a scan is cheaper than building a lookup per decision.
            foreach (var j in journeys)
            {
                if (j.Name == journey) return j.Definition.Priority;
            }

            return 50;
        }

        // InstanceId is unique, so this order is total and the (unstable) sort gives the same result as a stable one.
        ordered.Sort((a, b) =>
        {
            var byPriority = Priority(b.Journey).CompareTo(Priority(a.Journey));
            if (byPriority != 0) return byPriority;
            var byStart = a.StartedAt.CompareTo(b.StartedAt);
            return byStart != 0 ? byStart : string.CompareOrdinal(a.InstanceId, b.InstanceId);
        });
        return ordered;
    }

    private static void TryEnter(DecisionBuilder builder, JourneyVersion journey, CustomerEvent e)
    {
        var definition = journey.Definition;
        var customerId = builder.State.CustomerId;
        var instanceId = DeterministicIds.Instance(customerId, definition.Name, e.Id);
        if (builder.State.FindInstance(instanceId) is not null) return; // this event already started it

        var refusal = EntryRefusal(builder, journey, e);
        if (refusal is not null)
        {
            var id = $"{instanceId}/not-entered";
            builder.Effects.Add(new RecordHistory(id, customerId, new HistoryEntry(id, instanceId, definition.Name, builder.Now, HistoryKind.NotEntered, null, refusal)));
            return;
        }

        var instance = new JourneyInstance
        {
            InstanceId = instanceId,
            CustomerId = customerId,
            Journey = definition.Name,
            Version = journey.Version,
            EntryEvent = e,
            StartedAt = builder.Now,
            GoalDeadline = definition.Goal is { } goal ? builder.Now + goal.Within : null,
        };
        builder.State = builder.State with { LastEntered = builder.State.LastEntered.SetItem(definition.Name, builder.Now) };
        var run = new InstanceRun(builder, journey, instance);
        try
        {
            run.Start();
        }
        catch (TemplateException ex)
        {
            run.Fail(ex.Message);
        }
    }

    private static string? EntryRefusal(DecisionBuilder builder, JourneyVersion journey, CustomerEvent e)
    {
        var definition = journey.Definition;
        var state = builder.State;
        JourneyInstance? running = null;
        foreach (var i in state.Instances)
        {
            if (i.Journey == definition.Name && i.Status != InstanceStatus.Ended)
            {
                running = i;
                break;
            }
        }

        if (running is not null) return $"already in this journey (instance {running.InstanceId}, {running.Status.ToString().ToLowerInvariant()})";

        if (state.LastEntered.TryGetValue(definition.Name, out var last))
        {
            var policy = definition.Entry.Reentry;
            if (policy.Kind == ReentryKind.Once) return $"re-entry policy 'once': entered before on {InstanceRun.Format(last)}";
            if (policy.Kind == ReentryKind.After && builder.Now - last < policy.After)
            {
                return $"re-entry policy '{policy}': last entered {InstanceRun.Format(last)}, may re-enter from {InstanceRun.Format(last + policy.After)}";
            }
        }

        var inputs = ExpressionInputs.For(builder.Profile, e, null, builder.Now, builder.Context.Program);
        try
        {
            if (definition.Entry.Condition is { } condition && !JourneyExpressions.IsTrue(condition, inputs)) return $"entry condition is false: {condition}";
            if (definition.Entry.Segment is { } segment && !JourneyExpressions.IsTrue(segment, inputs)) return $"not in segment: {segment}";
        }
        catch (TemplateException ex)
        {
            return $"entry condition could not be evaluated: {ex.Message}";
        }

        return null;
    }

    private static void WithInstance(DecisionBuilder builder, string instanceId, Action<InstanceRun> act)
    {
        var instance = builder.State.FindInstance(instanceId);
        if (instance is null) return;
        var version = builder.Context.FindVersion(instance.Version);
        if (version is null) return; // version unknown to this context: leave the instance untouched
        var run = new InstanceRun(builder, version, instance);
        try
        {
            act(run);
        }
        catch (TemplateException ex)
        {
            run.Fail(ex.Message);
        }
    }
}
