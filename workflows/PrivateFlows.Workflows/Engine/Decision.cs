using System.Collections.Immutable;

namespace PrivateFlows.Workflows.Engine;

/// <summary>The decider's answer: the customer's next state and what the runtime must do about it.</summary>
public sealed record Decision(CustomerState State, ImmutableArray<Effect> Effects);
