namespace PrivateFlows.Runtime.Storage;

/// <summary>Inputs that failed repeatedly, set aside for ops.</summary>
public interface IPoisonInputs
{
    /// <summary>Sets an input aside; for an event the inbox marks it poison, for a timer the timer leaves the index.</summary>
    Task ParkPoisonAsync(PoisonInput poison, string? eventId, string? timerId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PoisonInput>> ReadPoisonAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>One parked (or resolved) input; null when unknown. Stores without their own lookup search the newest 5000.</summary>
    async Task<PoisonInput?> ReadPoisonAsync(string inputId, CancellationToken cancellationToken = default) =>
        (await ReadPoisonAsync(5000, cancellationToken).ConfigureAwait(false)).FirstOrDefault(p => p.InputId == inputId);

    /// <summary>Counts an ops retry of a parked input; false when it is not parked (resolved meanwhile).</summary>
    Task<bool> CountPoisonRetryAsync(string inputId, CancellationToken cancellationToken = default);

    /// <summary>Marks a parked input resolved: an ops retry processed it. Parking it again makes it parked again.</summary>
    Task ResolvePoisonAsync(string inputId, DateTimeOffset at, CancellationToken cancellationToken = default);
}
