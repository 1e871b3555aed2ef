using NodaTime;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Workflows.Tests.Support;

/// <summary>Fixed instants written as wall-clock times in a customer's zone. Tests never read the real clock.</summary>
public static class Clock
{
    public static DateTimeOffset Shanghai(int year, int month, int day, int hour, int minute = 0) =>
        At(People.ShanghaiZone, year, month, day, hour, minute);

    public static DateTimeOffset NewYork(int year, int month, int day, int hour, int minute = 0) =>
        At(People.NewYorkZone, year, month, day, hour, minute);

    public static DateTimeOffset At(string zone, int year, int month, int day, int hour, int minute = 0) =>
        CustomerClock.ToInstant(new LocalDateTime(year, month, day, hour, minute), zone);

    /// <summary>"yyyy-MM-dd HH:mm" on the customer's wall clock.</summary>
    public static string Local(DateTimeOffset instant, string zone) =>
        CustomerClock.ToLocal(instant, zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
