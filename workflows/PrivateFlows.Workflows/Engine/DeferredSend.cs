namespace PrivateFlows.Workflows.Engine;

/// <summary>A send that quiet hours or a frequency cap pushed to a later moment; it has its own timer and does not hold up the journey.</summary>
/// <param name="Since">When the send was first due, so it can be dropped once deferring makes it irrelevant.</param>
public sealed record DeferredSend(string TimerId, string StepId, DateTimeOffset Since, DateTimeOffset DueAt);
