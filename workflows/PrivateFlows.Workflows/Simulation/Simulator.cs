using System.Collections.Immutable;
using System.Text;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Simulation;

/// <summary>
/// Runs the same decider the engine runs, with a virtual clock: events at their own time, timers at their due
/// time, in time order (a timer due at the same instant as an event fires first; the decider takes every timer of the
/// customer due at one instant together, in journey priority order). As in the engine, an event id is
/// processed once: a repeated id (a producer's retry) is ignored.
/// </summary>
public static class Simulator
{
    public static SimulationResult Run(
        IEnumerable<JourneyVersion> journeys,
        CustomerProfile profile,
        IEnumerable<CustomerEvent> events,
        DateTimeOffset? until = null,
        ContactPolicy? policy = null,
        CustomerProgram? program = null)
    {
        var journeyList = journeys.ToImmutableArray();
        var ordered = events.Select((e, i) => (e, i)).OrderBy(x => x.e.Time).ThenBy(x => x.i).Select(x => x.e).ToList();
        var end = until ?? (ordered.Count == 0 ? DateTimeOffset.UnixEpoch : ordered[^1].Time + TimeSpan.FromDays(30));
        var state = new CustomerState { Profile = profile };
        // Ordinal, as the stores order timers due at the same instant (SQLite, Cosmos DB): the decider takes all of them together anyway.
        var timers = new SortedSet<(DateTimeOffset Due, string TimerId, string InstanceId)>(Comparer<(DateTimeOffset Due, string TimerId, string InstanceId)>.Create((a, b) =>
        {
            var c = a.Due.CompareTo(b.Due);
            if (c == 0) c = string.CompareOrdinal(a.TimerId, b.TimerId);
            return c != 0 ? c : string.CompareOrdinal(a.InstanceId, b.InstanceId);
        }));
        var timeline = ImmutableArray.CreateBuilder<TimelineEntry>();
        var effects = ImmutableArray.CreateBuilder<Effect>();
        var next = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        while (true)
        {
            var timer = timers.Count > 0 ? timers.Min : default;
            var hasTimer = timers.Count > 0 && timer.Due <= end;
            var hasEvent = next < ordered.Count;
            if (!hasTimer && !hasEvent) break;

            DecisionInput input;
            DateTimeOffset now;
            if (hasTimer && (!hasEvent || timer.Due <= ordered[next].Time))
            {
                timers.Remove(timer);
                input = new TimerFired(timer.TimerId, timer.InstanceId, timer.Due);
                now = timer.Due;
            }
            else
            {
                var e = ordered[next++];
                now = e.Time;
                if (!seen.Add(e.Id))
                {
                    // The engine accepts an event id once (the inbox dedupes producer retries): so does the simulation.
                    timeline.Add(new TimelineEntry(now, "event", null, $"{e.Type} ({e.Id}) duplicate id: ignored"));
                    continue;
                }

                input = new EventReceived(e);
                timeline.Add(new TimelineEntry(now, "event", null, $"{e.Type} ({e.Id}){DataSummary(e)}"));
            }

            var decision = CustomerDecider.Decide(state, input, DecisionContext.For(now, journeyList, policy, program));
            state = decision.State;
            effects.AddRange(decision.Effects);
            foreach (var effect in decision.Effects)
            {
                switch (effect)
                {
                    case ScheduleTimer s:
                        timers.Add((s.DueAt, s.TimerId, s.InstanceId));
                        break;
                    case CancelTimer c:
                        timers.RemoveWhere(t => t.TimerId == c.TimerId);
                        break;
                    case RecordHistory h:
                        timeline.Add(ToTimeline(h.Entry));
                        break;
                }
            }
        }

        return new SimulationResult(timeline.ToImmutable(), state, effects.ToImmutable());
    }

    public static TimelineEntry ToTimeline(HistoryEntry h) => new(h.Time, KindName(h.Kind), h.Step, h.Detail, h.Journey, h.InstanceId);

    /// <summary>snake_case name of a history kind, as printed and as returned by the API.</summary>
    public static string KindName(HistoryKind kind)
    {
        var name = kind.ToString();
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }

    private static string DataSummary(CustomerEvent e)
    {
        var fields = e.Data.Where(kv => kv.Value is System.Text.Json.Nodes.JsonValue).Take(4).Select(kv => $"{kv.Key}={kv.Value}").ToList();
        return fields.Count == 0 ? "" : " " + string.Join(" ", fields);
    }
}
