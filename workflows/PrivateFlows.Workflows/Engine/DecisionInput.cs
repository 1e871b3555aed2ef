using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Engine;

/// <summary>What makes a customer's journeys move: an event, or a timer falling due.</summary>
public abstract record DecisionInput;

public sealed record EventReceived(CustomerEvent Event) : DecisionInput;

/// <summary>A durable timer fired. Stale timers (the instance moved on) are ignored by the decider.</summary>
public sealed record TimerFired(string TimerId, string InstanceId, DateTimeOffset DueAt) : DecisionInput;

/// <summary>Ops cancelled an instance.</summary>
public sealed record CancelRequested(string InstanceId, string Reason) : DecisionInput;

/// <summary>Ops asked a faulted instance to run its current step again (e.g. after fixing a template).</summary>
public sealed record RetryRequested(string InstanceId) : DecisionInput;
