using System.Collections.Immutable;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine;

/// <summary>A frequency cap: at most <see cref="Max"/> sends of a category on a channel ("*" = any) per window.</summary>
public sealed record FrequencyCap(string Channel, SendCategory Category, int Max, TimeSpan Window);

/// <summary>Contact-pressure rules shared by every journey: quiet hours in the customer's own time zone and frequency caps.</summary>
public sealed record ContactPolicy
{
    /// <summary>Local time when quiet hours start (e.g. 21:00); no quiet hours when null.</summary>
    public TimeOnly? QuietStart { get; init; } = new(21, 0);
    public TimeOnly? QuietEnd { get; init; } = new(9, 0);
    public ImmutableArray<FrequencyCap> Caps { get; init; } =
    [
        new("*", SendCategory.Marketing, 1, TimeSpan.FromDays(1)),
        new("*", SendCategory.Marketing, 3, TimeSpan.FromDays(7)),
    ];
    /// <summary>A deferred send older than this is dropped: it is no longer relevant.</summary>
    public TimeSpan MaxDeferral { get; init; } = TimeSpan.FromDays(3);

    public static readonly ContactPolicy Default = new();
    public static readonly ContactPolicy Unlimited = new() { QuietStart = null, QuietEnd = null, Caps = [] };
}
