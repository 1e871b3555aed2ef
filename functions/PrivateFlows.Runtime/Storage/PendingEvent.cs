namespace PrivateFlows.Runtime.Storage;

/// <summary>An accepted event not processed yet, by id: its body stays in the inbox.</summary>
public sealed record PendingEvent(string EventId, string CustomerId);
