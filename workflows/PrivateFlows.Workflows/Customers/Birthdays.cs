using System.Globalization;

namespace PrivateFlows.Workflows.Customers;

/// <summary>
/// A birthday as profiles keep it: <c>MM-dd</c> or <c>yyyy-MM-dd</c>, a day that exists (29 Feb does). Anything else
/// ("13-45", "99-99", "02-30") counts as no birthday at all: the projection does not take it, and one already stored
/// is not shown to templates, so the birthday journey never starts on it.
/// </summary>
public static class Birthdays
{
    public static bool TryParse(string? text, out int month, out int day)
    {
        month = day = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().Split('-');
        if (parts.Length is not (2 or 3) || parts[^2].Length != 2 || parts[^1].Length != 2) return false;
        if (parts.Length == 3 && (parts[0].Length != 4 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year < 1)) return false;
        if (!int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out month) || !int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out day)) return false;
        var valid = month is >= 1 and <= 12 && day >= 1 && day <= (parts.Length == 3 ? DateTime.DaysInMonth(int.Parse(parts[0], CultureInfo.InvariantCulture), month) : DateTime.DaysInMonth(2000, month));
        if (!valid) month = day = 0;
        return valid;
    }

    /// <summary>The birthday if it is a real day, else null.</summary>
    public static string? Valid(string? text) => TryParse(text, out _, out _) ? text!.Trim() : null;
}
