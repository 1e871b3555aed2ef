using NodaTime;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Workflows.Loyalty;

/// <summary>When earned points expire.</summary>
public sealed record PointsExpiryPolicy(PointsExpiryKind Kind, int Days = 0)
{
    public static readonly PointsExpiryPolicy Never = new(PointsExpiryKind.Never);
    public static readonly PointsExpiryPolicy EndOfFollowingYear = new(PointsExpiryKind.EndOfFollowingYear);

    public static PointsExpiryPolicy AfterDays(int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(days);
        return new PointsExpiryPolicy(PointsExpiryKind.AfterDays, days);
    }

    /// <summary>The instant points earned at <paramref name="earnedAt"/> stop counting; null = never.</summary>
    public DateTimeOffset? ExpiresAt(DateTimeOffset earnedAt, string? zone) => Kind switch
    {
        PointsExpiryKind.EndOfFollowingYear => CustomerClock.StartOfDay(new LocalDate(CustomerClock.Day(earnedAt, zone).Year + 2, 1, 1), zone),
        PointsExpiryKind.AfterDays => earnedAt + TimeSpan.FromDays(Days),
        _ => null,
    };

    public override string ToString() => Kind switch
    {
        PointsExpiryKind.EndOfFollowingYear => "at the end of the year after earning",
        PointsExpiryKind.AfterDays => $"{Days} days after earning",
        _ => "never",
    };
}
