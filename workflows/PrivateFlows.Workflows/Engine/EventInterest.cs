using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// Which events a running instance can react to: its journey's goal event, its exit events, and the event its
/// <c>wait_for</c> step awaits (what <see cref="InstanceRun.OnEvent"/> looks at). Any other event leaves the instance as
/// it is, so the decider does not offer it (and builds nothing for it).
/// </summary>
internal static class EventInterest
{
    public static bool ReactsTo(JourneyInstance instance, JourneyDefinition journey, string eventType)
    {
        if (!instance.IsActive) return false;
        if (journey.Goal is { } goal && goal.Event == eventType) return true;
        foreach (var exit in journey.Exits)
        {
            if (exit.Event == eventType) return true;
        }

        return instance.Waiting is { Reason: WaitingReason.WaitFor, EventType: { } awaited } && awaited == eventType;
    }
}
