namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// The customer's loyalty timer: the decider schedules it (<see cref="ScheduleTimer"/> with
/// <see cref="ScheduleTimer.InstanceId"/> = <see cref="InstanceId"/>) for the next points expiry or tier review,
/// so a silent customer's points still expire. When it fires, pass it in as an ordinary <see cref="TimerFired"/>:
/// every decision runs the due expiries and reviews first. It belongs to no journey instance.
/// </summary>
public static class LoyaltyTimer
{
    public const string InstanceId = "loyalty";

    public static string TimerId(string customerId, DateTimeOffset due) =>
        $"{customerId}/loyalty/{due.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture)}";

    public static bool IsLoyalty(TimerFired timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return timer.InstanceId == InstanceId;
    }
}
