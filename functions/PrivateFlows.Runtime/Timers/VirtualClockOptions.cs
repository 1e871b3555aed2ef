using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace PrivateFlows.Runtime.Timers;

/// <summary>
/// Virtual clock mode (<c>PrivateFlows:Clock = Virtual</c>, or <c>--clock virtual</c> on the host's command line):
/// the host's clock stands still until <c>POST /api/clock/advance</c> moves it. Off by default.
/// </summary>
public sealed class VirtualClockOptions
{
    /// <summary><c>Real</c> (default) or <c>Virtual</c>.</summary>
    public const string ModeKey = "PrivateFlows:Clock";

    /// <summary>Where a new virtual clock starts: an ISO 8601 instant (default <see cref="DefaultStart"/>).</summary>
    public const string StartKey = "PrivateFlows:ClockStart";

    /// <summary>
    /// Monday 2 March 2026, 10:00 in Shanghai (02:00 UTC): a fixed start, so walk-throughs and demos give the same
    /// dates every time, and a weekday morning for customers in China (no quiet hours).
    /// </summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Start { get; init; } = DefaultStart;

    /// <summary>
    /// Where the clock is remembered between runs (beside the embedded database: <c>&lt;database&gt;.clock</c>), so a
    /// restarted host resumes where its clock stopped instead of going back in time. Null: not remembered.
    /// </summary>
    public string? StateFile { get; init; }

    public static bool IsVirtual(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var mode = configuration[ModeKey]?.Trim();
        if (string.IsNullOrEmpty(mode) || mode.Equals("Real", StringComparison.OrdinalIgnoreCase)) return false;
        if (mode.Equals("Virtual", StringComparison.OrdinalIgnoreCase)) return true;
        throw new InvalidOperationException($"{ModeKey} is '{mode}': use Real (the default) or Virtual");
    }

    /// <summary>Reads the start instant and the state file from configuration; a bad start fails with a clear message.</summary>
    public static VirtualClockOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var start = DefaultStart;
        var text = configuration[StartKey];
        if (!string.IsNullOrWhiteSpace(text))
        {
            if (!DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start))
            {
                throw new InvalidOperationException($"{StartKey} is '{text}': give an ISO 8601 instant such as 2026-03-02T02:00:00Z");
            }
        }

        string? stateFile = null;
        var store = configuration["PrivateFlows:Store"];
        if (string.IsNullOrWhiteSpace(store) || store.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            // Beside the SQLite adapter's file (PrivateFlows:Sqlite:Path, default as in its SqliteOptions); read by key,
            // as the runtime does not reference the adapter.
            var database = configuration["PrivateFlows:Sqlite:Path"];
            stateFile = Path.GetFullPath(string.IsNullOrWhiteSpace(database) ? ".privateflows/privateflows.db" : database) + ".clock";
        }

        return new VirtualClockOptions { Start = start.ToUniversalTime(), StateFile = stateFile };
    }
}
