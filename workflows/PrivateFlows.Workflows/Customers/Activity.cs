using System.Collections.Immutable;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Workflows.Customers;

/// <summary>
/// How engaged the customer is: how often each interaction happened, and the recent check-in days
/// (first check-in time per local day) from which check-in streaks are counted.
/// </summary>
public sealed record Activity
{
    /// <summary>Check-in days older than this (counted back from the latest check-in) are forgotten.</summary>
    public const int KeepCheckInDays = 60;

    /// <summary>Interaction counts by event type (e.g. <c>app.opened</c> → 42).</summary>
    public ImmutableSortedDictionary<string, int> Counts { get; init; } = ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal);

    /// <summary>Recent check-in days (<c>yyyy-MM-dd</c>, local) with the first check-in time of each day.</summary>
    public ImmutableSortedDictionary<string, DateTimeOffset> CheckIns { get; init; } = ImmutableSortedDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal);

    public DateTimeOffset? LastCheckInAt { get; init; }

    public int Count(string eventType) => Counts.GetValueOrDefault(eventType);

    /// <summary>The latest local day with a check-in.</summary>
    public string? LastCheckInDay => CheckIns.IsEmpty ? null : CheckIns.Keys.Last();

    /// <summary>Consecutive check-in days ending on the latest one (whether or not the streak is still alive today).</summary>
    public int CheckInStreak => LastCheckInDay is { } last ? StreakOn(last) : 0;

    /// <summary>Consecutive check-in days ending on <paramref name="dayKey"/> (0 when that day has no check-in).</summary>
    public int StreakOn(string dayKey, int cap = int.MaxValue)
    {
        if (!CheckIns.ContainsKey(dayKey)) return 0;
        var day = CustomerClock.ParseDayKey(dayKey);
        var streak = 1;
        while (streak < cap && CheckIns.ContainsKey(CustomerClock.DayKey(day.PlusDays(-streak)))) streak++;
        return streak;
    }

    /// <summary>The streak as of <paramref name="now"/>: alive when the last check-in was today or yesterday, else 0.</summary>
    public int StreakAsOf(DateTimeOffset now, string? zone)
    {
        if (LastCheckInDay is not { } last) return 0;
        var today = CustomerClock.Day(now, zone);
        var lastDay = CustomerClock.ParseDayKey(last);
        return lastDay == today || lastDay == today.PlusDays(-1) ? CheckInStreak : 0;
    }

    /// <summary>Counts one interaction; a check-in also marks its local day (the earliest time of the day is kept).</summary>
    public Activity Record(CustomerEvent e, string? zone)
    {
        var next = this with { Counts = Counts.SetItem(e.Type, Count(e.Type) + 1) };
        if (e.Type != EventTypes.CheckedIn) return next;

        var key = CustomerClock.DayKey(e.Time, zone);
        var first = CheckIns.TryGetValue(key, out var existing) && existing <= e.Time ? existing : e.Time;
        var checkIns = CheckIns.SetItem(key, first);
        var horizon = CustomerClock.DayKey(CustomerClock.ParseDayKey(checkIns.Keys.Last()).PlusDays(-KeepCheckInDays));
        checkIns = checkIns.RemoveRange(checkIns.Keys.Where(k => string.CompareOrdinal(k, horizon) < 0).ToList());
        return next with
        {
            CheckIns = checkIns,
            LastCheckInAt = LastCheckInAt is { } last && last > e.Time ? last : e.Time,
        };
    }
}
