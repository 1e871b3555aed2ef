using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace PrivateFlows.Workflows.Language;

/// <summary>Durations as marketers write them: <c>30m</c>, <c>12h</c>, <c>3d</c>, <c>2w</c>, combinations like <c>1d12h</c>, or ISO 8601 <c>P3D</c>.</summary>
public static partial class Duration
{
    [GeneratedRegex(@"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")]
    private static partial Regex Short();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text.StartsWith('P'))
        {
            try
            {
                value = XmlConvert.ToTimeSpan(text);
                return value > TimeSpan.Zero;
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                // P99999999D is well-formed but beyond TimeSpan (found by the fuzzer).
                return false;
            }
        }

        var m = Short().Match(text);
        if (!m.Success || text.Length == 0) return false;
        long Part(int i) => m.Groups[i].Success ? long.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
        try
        {
            value = TimeSpan.FromDays(Part(1) * 7 + Part(2)) + TimeSpan.FromHours(Part(3)) + TimeSpan.FromMinutes(Part(4)) + TimeSpan.FromSeconds(Part(5));
        }
        catch (OverflowException)
        {
            return false;
        }

        return value > TimeSpan.Zero;
    }

    public static string Format(TimeSpan value)
    {
        if (value.Ticks % TimeSpan.TicksPerDay == 0) return $"{(long)value.TotalDays}d";
        if (value.Ticks % TimeSpan.TicksPerHour == 0) return $"{(long)value.TotalHours}h";
        if (value.Ticks % TimeSpan.TicksPerMinute == 0) return $"{(long)value.TotalMinutes}m";
        return $"{(long)value.TotalSeconds}s";
    }
}
