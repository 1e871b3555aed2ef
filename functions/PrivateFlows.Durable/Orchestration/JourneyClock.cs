namespace PrivateFlows.Durable.Orchestration;

/// <summary>
/// How the customer orchestration maps its Durable clock (<c>context.CurrentUtcDateTime</c>, the instant durable
/// timers fire) to journey time. In Azure it is the identity (<see cref="RealTime"/>). Tests make days pass in
/// seconds with a scale: journey time = <see cref="JourneyOrigin"/> + (real − <see cref="RealOrigin"/>) × <see cref="Scale"/>.
/// It is applied at exactly two places of the orchestrator: reading "now", and turning a decider due time into a
/// durable timer. It is a constant of the process, so replay stays deterministic.
/// </summary>
public sealed record JourneyClock(DateTimeOffset JourneyOrigin, DateTime RealOrigin, double Scale)
{
    public static JourneyClock RealTime { get; } = new(DateTimeOffset.UnixEpoch, DateTime.UnixEpoch, 1);

    /// <summary>A scaled clock whose journey time <paramref name="journeyOrigin"/> is the real instant <paramref name="realOrigin"/>.</summary>
    public static JourneyClock Scaled(DateTimeOffset journeyOrigin, DateTime realOrigin, double scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        return new JourneyClock(journeyOrigin, DateTime.SpecifyKind(realOrigin, DateTimeKind.Utc), scale);
    }

    public bool IsRealTime => Scale == 1 && JourneyOrigin.UtcDateTime == RealOrigin;

    /// <summary>Journey time at the real (Durable) instant <paramref name="realUtc"/>.</summary>
    public DateTimeOffset ToJourney(DateTime realUtc)
    {
        if (IsRealTime) return new DateTimeOffset(DateTime.SpecifyKind(realUtc, DateTimeKind.Utc));
        var ticks = (realUtc - RealOrigin).Ticks * Scale;
        return JourneyOrigin + TimeSpan.FromTicks((long)Math.Floor(ticks));
    }

    /// <summary>The real instant (for a durable timer) at which journey time reaches <paramref name="due"/>; never before it.</summary>
    public DateTime ToReal(DateTimeOffset due)
    {
        if (IsRealTime) return due.UtcDateTime;
        var ticks = (due - JourneyOrigin).Ticks / Scale;
        return RealOrigin + TimeSpan.FromTicks((long)Math.Ceiling(ticks));
    }
}
