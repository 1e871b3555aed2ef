using System.Collections.Immutable;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Workflows.Simulation;

public sealed record SimulationResult(ImmutableArray<TimelineEntry> Timeline, CustomerState FinalState, ImmutableArray<Effect> Effects);
