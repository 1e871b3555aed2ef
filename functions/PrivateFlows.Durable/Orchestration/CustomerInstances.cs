namespace PrivateFlows.Durable.Orchestration;

/// <summary>Names the Durable pieces of a customer: one eternal orchestration per customer, one event name for what happens to them.</summary>
public static class CustomerInstances
{
    /// <summary>The orchestrator function's name.</summary>
    public const string Orchestrator = "CustomerOrchestrator";

    /// <summary>The external event that carries a customer event (CloudEvent JSON) into the orchestration.</summary>
    public const string EventName = "customer-event";

    private const string Prefix = "customer:";

    /// <summary>
    /// The instance id of a customer's orchestration. The customer id is escaped because Durable backends forbid
    /// some characters in instance ids (<c>/ \ # ?</c> and control characters).
    /// </summary>
    public static string InstanceId(string customerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        return Prefix + Uri.EscapeDataString(customerId);
    }

    /// <summary>The customer id of an instance id made by <see cref="InstanceId"/>, or null for any other instance.</summary>
    public static string? CustomerId(string instanceId) =>
        instanceId is not null && instanceId.StartsWith(Prefix, StringComparison.Ordinal) ? Uri.UnescapeDataString(instanceId[Prefix.Length..]) : null;
}
