namespace PrivateFlows.Workflows.Engine;

public enum InstanceStatus { Active, Ended, Faulted }
