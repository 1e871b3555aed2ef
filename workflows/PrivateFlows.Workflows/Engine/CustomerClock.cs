using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace PrivateFlows.Workflows.Engine;

/// <summary>Calendar arithmetic in the customer's own time zone (IANA, from the embedded tz database; DST-safe).</summary>
public static class CustomerClock
{
    public const string DefaultZone = "Asia/Shanghai";

    /// <summary>The customer's zone; an unknown or missing id (e.g. "Mars/Olympus" stored before ingest validated it) is the default zone.</summary>
    public static DateTimeZone Zone(string? id) =>
        (string.IsNullOrEmpty(id) ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(id)) ?? DateTimeZoneProviders.Tzdb[DefaultZone];

    /// <summary>Is <paramref name="id"/> a zone of the tz database (otherwise <see cref="Zone"/> uses the default)?</summary>
    public static bool IsKnownZone(string? id) => !string.IsNullOrEmpty(id) && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is not null;

    /// <summary>The zone as history lines name it: the id, or the default zone used instead of an unknown one, saying so.</summary>
    public static string Describe(string? id) =>
        IsKnownZone(id) ? id! : string.IsNullOrEmpty(id) ? DefaultZone : $"{DefaultZone}; time zone '{id}' unknown";

    /// <summary>Instants a local calendar can show in any zone (a day inside .NET's range), so no stored date can make it throw.</summary>
    private static readonly DateTimeOffset EarliestLocal = new(1, 1, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestLocal = new(9999, 12, 30, 0, 0, 0, TimeSpan.Zero);

    public static LocalDateTime ToLocal(DateTimeOffset instant, string? zone) =>
        Instant.FromDateTimeOffset(instant < EarliestLocal ? EarliestLocal : instant > LatestLocal ? LatestLocal : instant).InZone(Zone(zone)).LocalDateTime;

    public static DateTimeOffset ToInstant(LocalDateTime local, string? zone) =>
        // Leniently: a time inside a DST gap moves forward, an ambiguous one takes the earlier instant.
        local.InZoneLeniently(Zone(zone)).ToDateTimeOffset().ToUniversalTime();

    /// <summary>
    /// The next moment when the local clock shows <paramref name="time"/>: strictly after <paramref name="now"/>, or
    /// (<paramref name="includeNow"/>) <paramref name="now"/> itself when the clock shows it right now — a wait
    /// "until 10:00" reached at exactly 10:00 is over, not a day away.
    /// </summary>
    public static DateTimeOffset NextTimeOfDay(DateTimeOffset now, TimeOnly time, string? zone, bool includeNow = false)
    {
        var local = ToLocal(now, zone);
        var candidate = local.Date + new LocalTime(time.Hour, time.Minute);
        var at = ToInstant(candidate, zone);
        return at > now || (includeNow && at == now) ? at : ToInstant(candidate.PlusDays(1), zone);
    }

    /// <summary>The next moment after <paramref name="now"/> (or at it, with <paramref name="includeNow"/>) on month-day <paramref name="month"/>/<paramref name="day"/> at <paramref name="time"/> local (29 Feb falls on 28 Feb in other years).</summary>
    public static DateTimeOffset NextAnnual(DateTimeOffset now, int month, int day, TimeOnly time, string? zone, bool includeNow = false)
    {
        var local = ToLocal(now, zone);
        for (var year = local.Year; year <= Math.Min(local.Year + 1, 9998); year++)
        {
            var d = Math.Min(day, CalendarSystem.Iso.GetDaysInMonth(year, month));
            var at = ToInstant(new LocalDate(year, month, d) + new LocalTime(time.Hour, time.Minute), zone);
            if (at > now || (includeNow && at == now)) return at;
        }

        var latest = Math.Min(local.Year + 2, 9998); // the calendar ends in 9999
        var last = Math.Min(day, CalendarSystem.Iso.GetDaysInMonth(latest, month));
        return ToInstant(new LocalDate(latest, month, last) + new LocalTime(time.Hour, time.Minute), zone);
    }

    /// <summary>The customer's local calendar day of an instant.</summary>
    public static LocalDate Day(DateTimeOffset instant, string? zone) => ToLocal(instant, zone).Date;

    /// <summary>A local day as <c>yyyy-MM-dd</c>: sorts chronologically as text.</summary>
    public static string DayKey(LocalDate day) => LocalDatePattern.Iso.Format(day);

    public static string DayKey(DateTimeOffset instant, string? zone) => DayKey(Day(instant, zone));

    public static LocalDate ParseDayKey(string key) => LocalDatePattern.Iso.Parse(key).GetValueOrThrow();

    /// <summary>A local month as <c>yyyy-MM</c>: sorts chronologically as text.</summary>
    public static string MonthKey(DateTimeOffset instant, string? zone)
    {
        var day = Day(instant, zone);
        return MonthKey(day.Year, day.Month);
    }

    public static string MonthKey(int year, int month) =>
        string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}");

    /// <summary>The instant the local day starts in the zone (DST-safe).</summary>
    public static DateTimeOffset StartOfDay(LocalDate day, string? zone) => ToInstant(day.AtMidnight(), zone);

    /// <summary>Is the local time inside [start, end) — a window that may wrap midnight (21:00–09:00)?</summary>
    public static bool InWindow(DateTimeOffset now, TimeOnly start, TimeOnly end, string? zone)
    {
        var t = ToLocal(now, zone).TimeOfDay;
        var s = new LocalTime(start.Hour, start.Minute);
        var e = new LocalTime(end.Hour, end.Minute);
        return s <= e ? t >= s && t < e : t >= s || t < e;
    }
}
