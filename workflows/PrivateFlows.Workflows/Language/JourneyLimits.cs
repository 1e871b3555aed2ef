namespace PrivateFlows.Workflows.Language;

/// <summary>
/// What a journey file may cost to read. Journeys come over HTTP from the dashboard and the API, so one upload must
/// not be able to exhaust the host's stack, memory or time; real journeys stay far below every limit.
/// </summary>
public static class JourneyLimits
{
    /// <summary>The largest built-in journey is about 4 KB.</summary>
    public const int MaxCharacters = 256 * 1024;

    /// <summary>Nesting of lists and mappings; built-in journeys nest 6 deep. Every walk over the tree recurses this deep at most.</summary>
    public const int MaxDepth = 32;

    /// <summary>Nodes in the document with every alias expanded (an alias bomb is small text that expands to billions).</summary>
    public const int MaxNodes = 20_000;

    /// <summary>The longest wait, timeout, window or re-entry delay: longer ones are typos, and would overflow dates.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(3660);

    /// <summary>Reading and checking one journey's YAML (not its templates, which have their own limits).</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);
}
