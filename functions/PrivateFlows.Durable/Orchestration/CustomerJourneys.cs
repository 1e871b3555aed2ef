using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Durable.Orchestration;

/// <summary>
/// The input of each generation of a customer's orchestration, handed on by <c>ContinueAsNew</c>: the decider's
/// state, the timers it still owes, the events received but not decided yet (in arrival order), the ids of recently
/// decided events (so a repeated id changes nothing, as on the local <c>CustomerDocument</c>), and the journey
/// versions new entries use. The transitions here are pure, so the orchestrator stays a thin loop around them.
/// </summary>
public sealed record CustomerJourneys
{
    /// <summary>How many decided event ids are remembered (a producer's retry comes within minutes or hours, not hundreds of events later).</summary>
    public const int RememberedEvents = 256;

    public required CustomerState State { get; init; }
    public ImmutableArray<PendingTimer> Timers { get; init; } = [];
    public ImmutableArray<CustomerEvent> Inbox { get; init; } = [];
    public ImmutableArray<string> DecidedEvents { get; init; } = [];

    /// <summary>Content hashes of the journey versions new entries use, fixed for a generation (read by an activity, so replay sees the same).</summary>
    public ImmutableArray<string> JourneyVersions { get; init; } = [];

    /// <summary>The instant of the last decision: journey time never runs backwards for a customer.</summary>
    public DateTimeOffset? LastDecision { get; init; }

    /// <summary>Decisions made over the orchestration's whole life (all generations).</summary>
    public long Decisions { get; init; }

    /// <summary>Events decided over the orchestration's whole life (repeated ids not counted).</summary>
    public long EventsDecided { get; init; }

    public string CustomerId => State.CustomerId;

    public static CustomerJourneys New(string customerId, IEnumerable<CustomerEvent>? inbox = null) =>
        new() { State = CustomerState.New(customerId), Inbox = inbox?.ToImmutableArray() ?? [] };

    public bool HasDecided(string eventId) => DecidedEvents.Contains(eventId, StringComparer.Ordinal);

    /// <summary>An event arrived: it waits in the inbox for its turn.</summary>
    public CustomerJourneys Received(CustomerEvent e) => this with { Inbox = Inbox.Add(e) };

    /// <summary>Drops events at the head of the inbox whose id was decided before (a producer's retry); they decide nothing.</summary>
    public CustomerJourneys WithoutDuplicates(out int dropped)
    {
        var inbox = Inbox;
        dropped = 0;
        while (!inbox.IsEmpty && HasDecided(inbox[0].Id))
        {
            inbox = inbox.RemoveAt(0);
            dropped++;
        }

        return dropped == 0 ? this : this with { Inbox = inbox };
    }

    /// <summary>
    /// The next input and the journey instant it is decided at: the earliest timer, or the inbox's first event at
    /// its own time (never before the last decision). A timer due at the same instant as the event goes first, as in
    /// the simulator. Null when there is nothing to decide.
    /// </summary>
    public NextInput? Next()
    {
        // Same order as the simulator's timer set: due time, then timer id, then instance id (default comparers).
        var timer = Timers.IsEmpty ? null : Timers.MinBy(t => (t.DueAt, t.TimerId, t.InstanceId));
        CustomerEvent? e = Inbox.IsEmpty ? null : Inbox[0];
        var eventAt = e is null ? (DateTimeOffset?)null : Max(e.Time, LastDecision);
        if (timer is not null && (eventAt is null || timer.DueAt <= eventAt)) return new NextInput(new TimerFired(timer.TimerId, timer.InstanceId, timer.DueAt), timer.DueAt);
        return e is null ? null : new NextInput(new EventReceived(e), eventAt!.Value);
    }

    /// <summary>The state after deciding <paramref name="next"/>: the decider's new state, its timers applied, the input consumed.</summary>
    public CustomerJourneys After(NextInput next, Decision decision)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(decision);
        var timers = Timers.ToBuilder();
        var inbox = Inbox;
        var decided = DecidedEvents;
        switch (next.Input)
        {
            case TimerFired fired:
                timers.RemoveAll(t => t.TimerId == fired.TimerId);
                break;
            case EventReceived received:
                inbox = inbox.RemoveAt(0);
                decided = decided.Add(received.Event.Id);
                if (decided.Length > RememberedEvents) decided = decided.RemoveRange(0, decided.Length - RememberedEvents);
                break;
        }

        foreach (var effect in decision.Effects)
        {
            switch (effect)
            {
                case ScheduleTimer s:
                    timers.RemoveAll(t => t.TimerId == s.TimerId);
                    timers.Add(new PendingTimer(s.TimerId, s.InstanceId, s.DueAt));
                    break;
                case CancelTimer c:
                    timers.RemoveAll(t => t.TimerId == c.TimerId);
                    break;
            }
        }

        return this with
        {
            State = decision.State,
            Timers = timers.ToImmutable(),
            Inbox = inbox,
            DecidedEvents = decided,
            LastDecision = Max(next.At, LastDecision),
            Decisions = Decisions + 1,
            EventsDecided = EventsDecided + (next.Input is EventReceived ? 1 : 0),
        };
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset? b) => b is { } value && value > a ? value : a;
}

/// <summary>An input for the decider and the journey instant it is decided at.</summary>
public sealed record NextInput(DecisionInput Input, DateTimeOffset At);
