namespace PrivateFlows.Workflows.Simulation;

/// <summary>One line of a simulated customer's timeline, as printed by <c>privateflows simulate</c>.</summary>
public sealed record TimelineEntry(DateTimeOffset Time, string Kind, string? Step, string Detail, string? Journey = null, string? InstanceId = null);
