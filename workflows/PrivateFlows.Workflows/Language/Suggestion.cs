namespace PrivateFlows.Workflows.Language;

/// <summary>"Did you mean …?" for a misspelt name: the closest known name by edit distance, when it is close enough.</summary>
public static class Suggestion
{
    /// <summary>The closest candidate (adjacent swaps count as one edit), or null when none is plausibly meant.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(candidates);
        var allowed = typed.Length <= 3 ? 1 : typed.Length <= 6 ? 2 : 3;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates.Order(StringComparer.Ordinal))
        {
            // Long hostile names would cost length² each: they are never a typo of a short known name anyway.
            if (Math.Abs(candidate.Length - typed.Length) > allowed) continue;
            var distance = Distance(typed, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        if (bestDistance <= allowed) return best;
        // An abbreviation ("cnt" for "count"): the typed letters in order, starting with the same letter.
        return typed.Length < 2 ? null : candidates
            .Where(c => c.Length > typed.Length && c[0] == typed[0] && IsSubsequence(typed, c))
            .OrderBy(c => c.Length).ThenBy(c => c, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static bool IsSubsequence(string typed, string candidate)
    {
        var i = 0;
        foreach (var c in candidate)
        {
            if (i < typed.Length && typed[i] == c) i++;
        }

        return i == typed.Length;
    }

    /// <summary>" (did you mean 'x'?)" or "".</summary>
    public static string DidYouMean(string typed, IEnumerable<string> candidates) =>
        Closest(typed, candidates) is { } best ? $" (did you mean '{best}'?)" : "";

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }

        return d[a.Length, b.Length];
    }
}
