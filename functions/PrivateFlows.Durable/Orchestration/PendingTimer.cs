namespace PrivateFlows.Durable.Orchestration;

/// <summary>A timer the decider scheduled and the orchestration still owes it (the Durable counterpart of the local timer index).</summary>
public sealed record PendingTimer(string TimerId, string InstanceId, DateTimeOffset DueAt);
