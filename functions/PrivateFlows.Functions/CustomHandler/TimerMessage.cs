using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Functions.CustomHandler;

/// <summary>
/// A due timer as a Service Bus message: a CloudEvent of type <see cref="Type"/> with <c>subject</c> = customer id,
/// <c>id</c> = timer id and <c>data</c> = <c>{instanceId, dueAt}</c>, sent with <c>SessionId</c> = customer id (so it is
/// processed in order with the customer's events) and <c>MessageId</c> = timer id (duplicate detection).
/// </summary>
public static class TimerMessage
{
    public const string Type = "privateflows.timer.due";
    public const string Source = "privateflows/timers";

    /// <summary>User property that marks the message as a timer (for filters and people reading the topic).</summary>
    public const string KindProperty = "privateflows-kind";
    public const string KindValue = "timer";

    /// <summary>Longest <c>SessionId</c> / <c>MessageId</c> Service Bus takes.</summary>
    public const int MaxIdLength = 128;

    public static JsonObject ToCloudEvent(DueTimer timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = timer.TimerId,
            ["type"] = Type,
            ["source"] = Source,
            ["subject"] = timer.CustomerId,
            ["time"] = Rfc3339(timer.DueAt),
            ["datacontenttype"] = "application/json",
            ["data"] = new JsonObject { ["instanceId"] = timer.InstanceId, ["dueAt"] = Rfc3339(timer.DueAt) },
        };
    }

    /// <summary>The timer a <see cref="Type"/> event carries, or why it cannot be one.</summary>
    public static (DueTimer? Timer, string? Error) Read(CustomerEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Data["instanceId"] is not JsonValue instance || instance.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(instance.GetValue<string>()))
        {
            return (null, "data.instanceId is required in a timer message");
        }

        if (e.Data["dueAt"] is not JsonValue due || due.GetValueKind() != JsonValueKind.String
            || !DateTimeOffset.TryParse(due.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dueAt))
        {
            return (null, "data.dueAt must be an RFC 3339 timestamp in a timer message");
        }

        return (new DueTimer(e.Id, e.Subject, instance.GetValue<string>(), dueAt.ToUniversalTime()), null);
    }

    /// <summary>
    /// The <c>SessionId</c> of a customer: the customer id itself, or (past Service Bus's 128 characters) a stable hash of it.
    /// The same rule gives the <c>MessageId</c> of a timer.
    /// </summary>
    public static string BrokerId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Length <= MaxIdLength ? id : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
