namespace PrivateFlows.Benchmarks;

/// <summary>
/// The system clock shifted by a settable offset: lets a benchmark start journeys "a day ago" so that their
/// one-day waits fall due within minutes of real time. Sleeping and timers run in real time.
/// </summary>
public sealed class OffsetClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
