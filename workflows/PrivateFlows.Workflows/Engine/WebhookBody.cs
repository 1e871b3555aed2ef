using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// The JSON a <c>webhook</c> step posts, in one place: receivers parse it, so its fields and their formats are a
/// contract with them, not an implementation detail of the step.
/// </summary>
internal static class WebhookBody
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static string For(JourneyDefinition journey, JourneyInstance instance, WebhookStep step, DateTimeOffset now)
    {
        var body = new JsonObject
        {
            ["event"] = step.Event ?? $"{journey.Name}.{step.Id}",
            ["journey"] = journey.Name,
            ["version"] = instance.Version,
            ["instanceId"] = instance.InstanceId,
            ["step"] = step.Id,
            ["customerId"] = instance.CustomerId,
            ["time"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["variant"] = instance.Variant,
        };
        return body.ToJsonString(Compact);
    }
}
