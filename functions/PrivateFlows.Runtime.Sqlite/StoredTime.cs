using System.Globalization;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>How instants are stored: ISO 8601 UTC text for reading, Unix milliseconds where they are ordered.</summary>
internal static class StoredTime
{
    public static string Text(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static DateTimeOffset? ParseOrNull(object? value) => value is string s ? Parse(s) : null;

    public static long Millis(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMillis(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
