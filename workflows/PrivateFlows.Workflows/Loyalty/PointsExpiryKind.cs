namespace PrivateFlows.Workflows.Loyalty;

public enum PointsExpiryKind
{
    Never,
    /// <summary>Points earned in a year expire when the following year ends (local time): earned any day of 2025, gone on 1 Jan 2027.</summary>
    EndOfFollowingYear,
    /// <summary>Points expire a fixed number of days after they were earned.</summary>
    AfterDays,
}
