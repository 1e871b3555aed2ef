namespace PrivateFlows.Runtime.Storage;

/// <summary>Where a decided step lands: the document and its rows in one transaction, or an input consumed without a step.</summary>
public interface IStepCommits
{
    /// <summary>
    /// Commits a step: the document and its write plan's rows (<see cref="StepCommit.Write"/>) in one transaction;
    /// throws <see cref="ConcurrencyConflictException"/> when the version moved. Returns the stored document.
    /// Completing an outbox is a commit too (<see cref="OutboxCompletion"/>).
    /// </summary>
    Task<CustomerDocument> CommitStepAsync(StepCommit commit, CancellationToken cancellationToken = default);

    /// <summary>Marks an input consumed without a new step (it was already processed): the inbox row done, the timer out of the index.</summary>
    Task MarkConsumedAsync(string customerId, string? eventId, string? timerId, CancellationToken cancellationToken = default);
}
