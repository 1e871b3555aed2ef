using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PrivateFlows.Functions.Tests.Support;

/// <summary>
/// Invocation payloads as the Azure Functions host posts them to a custom handler, including the host's quirks: the
/// message body as JSON text (or JSON text of JSON text), scalar metadata as strings holding JSON, and keys this app
/// does not use.
/// </summary>
public static class Invocations
{
    /// <summary>A Service Bus session trigger invocation of <c>ProcessCustomerEvent</c>.</summary>
    public static JsonObject ServiceBus(
        string body,
        string? sessionId,
        string? messageId,
        int deliveryCount = 1,
        JsonObject? userProperties = null,
        bool doubleEncoded = true,
        bool quotedMetadata = true)
    {
        JsonNode? Scalar(string? value) => value is null ? null : quotedMetadata ? JsonValue.Create(JsonSerializer.Serialize(value)) : JsonValue.Create(value);
        var properties = userProperties ?? new JsonObject { ["source"] = "shop" };
        return new JsonObject
        {
            ["Data"] = new JsonObject { ["message"] = doubleEncoded ? JsonSerializer.Serialize(body) : body },
            ["Metadata"] = new JsonObject
            {
                ["MessageId"] = Scalar(messageId),
                ["SessionId"] = Scalar(sessionId),
                ["DeliveryCount"] = quotedMetadata ? JsonValue.Create(deliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture)) : JsonValue.Create(deliveryCount),
                ["ContentType"] = Scalar("application/cloudevents+json"),
                ["CorrelationId"] = null,
                ["EnqueuedTimeUtc"] = Scalar("2025-03-03T02:00:00Z"),
                ["SequenceNumber"] = quotedMetadata ? JsonValue.Create("42") : JsonValue.Create(42),
                ["ApplicationProperties"] = quotedMetadata ? JsonValue.Create(properties.ToJsonString()) : properties.DeepClone(),
                ["UserProperties"] = quotedMetadata ? JsonValue.Create(properties.ToJsonString()) : properties.DeepClone(),
                ["MessageReceiver"] = new JsonObject { ["EntityPath"] = "customer-events/subscriptions/journeys" },
                ["MessageSession"] = new JsonObject { ["SessionId"] = sessionId },
                ["sys"] = new JsonObject { ["MethodName"] = "ProcessCustomerEvent", ["UtcNow"] = "2025-03-03T02:00:01Z", ["RandGuid"] = Guid.NewGuid().ToString() },
            },
        };
    }

    /// <summary>A message as it was published to the fake topic, delivered back by the trigger.</summary>
    public static JsonObject FromPublished(JsonObject published, int deliveryCount = 1)
    {
        var broker = published["BrokerProperties"]!.AsObject();
        return ServiceBus(
            published["Body"]!.GetValue<string>(),
            broker["SessionId"]!.GetValue<string>(),
            broker["MessageId"]!.GetValue<string>(),
            deliveryCount,
            published["UserProperties"]!.AsObject().DeepClone().AsObject(),
            doubleEncoded: false);
    }

    /// <summary>A timer trigger invocation of <c>FireDueTimers</c>.</summary>
    public static JsonObject Timer(bool isPastDue = false) => new()
    {
        ["Data"] = new JsonObject
        {
            ["timer"] = new JsonObject
            {
                ["Schedule"] = new JsonObject { ["AdjustForDST"] = false },
                ["ScheduleStatus"] = new JsonObject { ["Last"] = "2025-03-03T01:59:50Z", ["Next"] = "2025-03-03T02:00:10Z", ["LastUpdated"] = "2025-03-03T01:59:50Z" },
                ["IsPastDue"] = isPastDue,
            },
        },
        ["Metadata"] = new JsonObject { ["sys"] = new JsonObject { ["MethodName"] = "FireDueTimers", ["UtcNow"] = "2025-03-03T02:00:00Z" } },
    };

    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    /// <summary>Posts an invocation; returns the status and the PascalCase response body.</summary>
    public static async Task<(System.Net.HttpStatusCode Status, JsonObject Body)> PostAsync(HttpClient client, string function, JsonNode payload)
    {
        using var response = await client.PostAsync(function, Json(payload));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    public static IReadOnlyList<string> Logs(JsonObject response) =>
        [.. response["Logs"]?.AsArray().Select(n => n!.GetValue<string>()) ?? []];
}

/// <summary>CloudEvents as producers put them on the topic.</summary>
public static class CloudEvents
{
    public static JsonObject Registered(string customer, string? id = null) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = id ?? $"reg-{customer}",
        ["type"] = "customer.registered",
        ["source"] = "shop",
        ["subject"] = customer,
        ["time"] = "2025-03-03T10:00:00+08:00",
        ["data"] = new JsonObject
        {
            ["name"] = "林晓",
            ["email"] = $"{customer}@example.com",
            ["locale"] = "zh-CN",
            ["timeZone"] = "Asia/Shanghai",
            ["channels"] = new JsonObject { ["app_push"] = true, ["sms"] = true, ["email"] = true },
        },
    };

    public static JsonObject Order(string customer, string id, object amount) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = id,
        ["type"] = "order.completed",
        ["source"] = "shop",
        ["subject"] = customer,
        ["time"] = "2025-03-03T10:05:00+08:00",
        ["data"] = new JsonObject { ["orderId"] = $"SO-{id}", ["amount"] = JsonValue.Create(amount), ["currency"] = "CNY" },
    };
}
