namespace PrivateFlows.Durable.Orchestration;

/// <summary>
/// The orchestration's custom status, for ops ("what is this customer waiting for?") and for tests that wait for
/// a customer to settle: decisions so far, events waiting, the next timer and the last decision's journey time.
/// </summary>
public sealed record CustomerStatus(long Decisions, long EventsDecided, int Inbox, int Timers, DateTimeOffset? NextDue, DateTimeOffset? LastDecision)
{
    public static CustomerStatus Of(CustomerJourneys journeys)
    {
        ArgumentNullException.ThrowIfNull(journeys);
        return new CustomerStatus(journeys.Decisions, journeys.EventsDecided, journeys.Inbox.Length, journeys.Timers.Length,
            journeys.Timers.IsEmpty ? null : journeys.Timers.Min(t => t.DueAt), journeys.LastDecision);
    }
}
