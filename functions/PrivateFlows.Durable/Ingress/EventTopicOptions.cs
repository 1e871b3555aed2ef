using System.ComponentModel.DataAnnotations;

namespace PrivateFlows.Durable.Ingress;

/// <summary>
/// The Service Bus topic customer events go to (<c>PrivateFlows:ServiceBus</c>). The sender authenticates with
/// <c>DefaultAzureCredential</c> (the app's managed identity in Azure); the trigger reads the subscription through the
/// <c>ServiceBusConnection</c> setting.
/// </summary>
public sealed class EventTopicOptions
{
    public const string Section = "PrivateFlows:ServiceBus";

    /// <summary>The namespace host name, e.g. <c>&lt;namespace&gt;.servicebus.windows.net</c> (falls back to <c>ServiceBusConnection:fullyQualifiedNamespace</c>).</summary>
    public string? FullyQualifiedNamespace { get; set; }

    [Required]
    public string Topic { get; set; } = "customer-events";

    /// <summary>The session-enabled subscription the journeys trigger reads.</summary>
    [Required]
    public string Subscription { get; set; } = "journeys";

    /// <summary>
    /// The queue where ingress sets aside messages that can never become a customer event, with the reason as the
    /// application properties <c>DeadLetterReason</c> and <c>DeadLetterErrorDescription</c> (the served Functions
    /// Service Bus extension cannot dead-letter a triggered message itself).
    /// </summary>
    [Required]
    public string PoisonQueue { get; set; } = "customer-events-poison";

    /// <summary>Largest accepted request body.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most events in one batch request (sent to Service Bus as one batch: all or nothing).</summary>
    [Range(1, 1000)]
    public int MaxBatchEvents { get; set; } = 100;
}
