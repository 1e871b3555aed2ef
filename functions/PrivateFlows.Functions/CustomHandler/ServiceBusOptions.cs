using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PrivateFlows.Functions.CustomHandler;

/// <summary>
/// Service Bus as the custom handler uses it (<c>PrivateFlows:ServiceBus</c>). The namespace is the one of the
/// Functions host's <c>ServiceBusConnection</c> (<c>ServiceBusConnection__fullyQualifiedNamespace</c>), so the trigger
/// and the timer publisher always talk to the same namespace. Validated at start-up in custom-handler mode only.
/// </summary>
public sealed class ServiceBusOptions
{
    public const string Section = "PrivateFlows:ServiceBus";

    /// <summary>The setting the Functions host reads for the trigger's identity-based connection.</summary>
    public const string ConnectionNamespaceKey = "ServiceBusConnection:fullyQualifiedNamespace";

    /// <summary>Namespace host name, e.g. <c>sb-xxxx.servicebus.windows.net</c>; defaults to <see cref="ConnectionNamespaceKey"/>.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>Topic due timers are published to (the one <c>ProcessCustomerEvent</c> reads through its subscription).</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,259}$", ErrorMessage = "Topic must be a Service Bus entity name")]
    public string Topic { get; set; } = "customer-events";

    /// <summary>
    /// The subscription's <c>maxDeliveryCount</c>. On the last delivery a message that still fails is parked as poison
    /// (visible to ops in <c>/api/poison</c>) and acknowledged instead of being dead-lettered. 0 = never park, always let
    /// Service Bus dead-letter.
    /// </summary>
    [Range(0, 2000)]
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>Most due timers one <c>FireDueTimers</c> run publishes.</summary>
    [Range(1, 100_000)]
    public int MaxTimersPerRun { get; set; } = 5000;

    /// <summary>Largest JSON body of one batch send (Service Bus Standard takes 256 KB per batch, headers included).</summary>
    [Range(4 * 1024, 250 * 1024)]
    public int MaxBatchBytes { get; set; } = 192 * 1024;

    /// <summary>Most messages in one batch send.</summary>
    [Range(1, 4500)]
    public int MaxBatchMessages { get; set; } = 100;

    /// <summary>
    /// A timer published and still in the index is not published again before this long (it is on its way). Keep it
    /// below the topic's duplicate detection window (10 min), so a re-send inside the window is dropped by Service Bus
    /// and one after it is ignored by the engine (stale-safe).
    /// </summary>
    public TimeSpan RepublishAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The base address of the namespace's REST endpoint (<c>https://{namespace}/</c>).</summary>
    public Uri NamespaceUri()
    {
        var value = (FullyQualifiedNamespace ?? "").Trim();
        if (value.Contains("://", StringComparison.Ordinal))
        {
            var uri = new Uri(value);
            var scheme = uri.Scheme is "sb" or "amqps" ? Uri.UriSchemeHttps : uri.Scheme;
            return new UriBuilder(scheme, uri.Host, uri.IsDefaultPort || uri.Scheme != scheme ? -1 : uri.Port, "/").Uri;
        }

        return new UriBuilder(Uri.UriSchemeHttps, value.TrimEnd('/'), -1, "/").Uri;
    }

    /// <summary><c>https://{namespace}/{topic}/messages</c>: the REST send endpoint.</summary>
    public Uri MessagesUri() => new(NamespaceUri(), $"{Topic.Trim('/')}/messages");
}

/// <summary>Checks what data annotations cannot: the namespace is there and is a host name (or an absolute URI).</summary>
public sealed class ServiceBusOptionsValidator : IValidateOptions<ServiceBusOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.FullyQualifiedNamespace?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return ValidateOptionsResult.Fail(
                $"the Service Bus namespace is not set: set ServiceBusConnection__fullyQualifiedNamespace (or {ServiceBusOptions.Section.Replace(":", "__", StringComparison.Ordinal)}__FullyQualifiedNamespace), e.g. sb-xxxx.servicebus.windows.net");
        }

        var valid = value.Contains("://", StringComparison.Ordinal)
            ? Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" or "sb" or "amqps"
            : Uri.CheckHostName(value.TrimEnd('/')) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6;
        if (!valid) return ValidateOptionsResult.Fail($"the Service Bus namespace '{value}' is not a host name (e.g. sb-xxxx.servicebus.windows.net)");
        if (options.RepublishAfter <= TimeSpan.Zero || options.RepublishAfter > TimeSpan.FromHours(1))
        {
            return ValidateOptionsResult.Fail("RepublishAfter must be between 0 and 1 hour (keep it below the topic's duplicate detection window)");
        }

        return ValidateOptionsResult.Success;
    }
}
