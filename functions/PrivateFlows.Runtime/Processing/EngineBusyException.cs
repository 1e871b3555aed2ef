namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// New events are refused, not stored, because the engine's in-memory backlog is full
/// (<see cref="ProcessingOptions.MaxBacklog"/>): the producer sends them again after <see cref="RetryAfter"/>.
/// The HTTP host answers 429 with <c>Retry-After</c>.
/// </summary>
public sealed class EngineBusyException : Exception
{
    public EngineBusyException()
    {
    }

    public EngineBusyException(string message)
        : base(message)
    {
    }

    public EngineBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EngineBusyException(long backlog, int maxBacklog, TimeSpan retryAfter)
        : base($"the engine is busy: {backlog} inputs wait to be processed (at most {maxBacklog}); send again in {retryAfter.TotalSeconds:0} s")
    {
        Backlog = backlog;
        RetryAfter = retryAfter;
    }

    public long Backlog { get; }

    public TimeSpan RetryAfter { get; } = TimeSpan.FromSeconds(1);
}
