using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Functions.Tests.Support;

public static class Events
{
    public static CustomerEvent Registered(string customerId, DateTimeOffset at, string id = "reg-1") => new(id, EventTypes.Registered, customerId, at,
        new JsonObject { ["name"] = "林晓", ["locale"] = "zh-CN", ["timeZone"] = "Asia/Shanghai", ["phone"] = "+8613800000000", ["channels"] = new JsonObject { ["app_push"] = true, ["sms"] = true, ["email"] = true } }, "test");

    public static CustomerEvent AppOpened(string customerId, DateTimeOffset at, string id) => new(id, EventTypes.AppOpened, customerId, at, new JsonObject { ["platform"] = "ios" }, "test");

    public static CustomerEvent Order(string customerId, DateTimeOffset at, string id, decimal amount = 99m) => new(id, EventTypes.OrderCompleted, customerId, at, new JsonObject { ["orderId"] = $"SO-{id}", ["amount"] = amount }, "test");
}
