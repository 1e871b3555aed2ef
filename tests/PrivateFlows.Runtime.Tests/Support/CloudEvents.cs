using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace PrivateFlows.Runtime.Tests.Support;

/// <summary>CloudEvents as producers send them over HTTP.</summary>
public static class CloudEvents
{
    public static JsonObject Registered(string customer, string? id = null) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = id ?? $"reg-{customer}",
        ["type"] = "customer.registered",
        ["source"] = "test",
        ["subject"] = customer,
        ["time"] = "2025-03-03T10:00:00+08:00",
        ["data"] = new JsonObject
        {
            ["name"] = "林晓",
            ["email"] = $"{customer}@example.com",
            ["locale"] = "zh-CN",
            ["channels"] = new JsonObject { ["app_push"] = true, ["sms"] = true, ["email"] = new JsonObject { ["granted"] = true, ["marketing"] = false } },
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
        ["data"] = new JsonObject { ["orderId"] = $"SO-{id}", ["amount"] = JsonValue.Create(amount), ["items"] = new JsonArray(new JsonObject { ["sku"] = "TEA", ["quantity"] = 1, ["useCycleDays"] = 30 }) },
    };

    public static StringContent Json(JsonNode node, string contentType = "application/cloudevents+json") =>
        new(node.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue(contentType));

    public static StringContent Batch(params JsonNode[] events) => Json(new JsonArray([.. events.Select(e => e.DeepClone())]), "application/cloudevents-batch+json");
}
