namespace PrivateFlows.Runtime.Storage;

/// <summary>
/// One decided step to commit: the new document, replacing version <paramref name="ExpectedVersion"/>
/// (0 = the customer must not exist yet), and the input it consumed (an inbox event or a fired timer).
/// </summary>
public sealed record StepCommit(CustomerDocument Document, long ExpectedVersion, string? EventId = null, string? FiredTimerId = null);
