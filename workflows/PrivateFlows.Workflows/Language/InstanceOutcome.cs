namespace PrivateFlows.Workflows.Language;

/// <summary>How a journey instance ended.</summary>
public enum InstanceOutcome { Completed, Converted, Exited, Cancelled, Failed }
