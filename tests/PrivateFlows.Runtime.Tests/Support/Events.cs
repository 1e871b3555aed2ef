using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Tests.Support;

/// <summary>Builders for the producer events used in tests.</summary>
public static class Events
{
    public static CustomerEvent Registered(string customer, DateTimeOffset at, string? id = null, string locale = "zh-CN", string? birthday = null, string? name = "林晓", string phone = "+8613800010001")
    {
        var data = new JsonObject
        {
            ["name"] = name,
            ["email"] = $"{customer}@example.com",
            ["phone"] = phone,
            ["locale"] = locale,
            ["timeZone"] = "Asia/Shanghai",
            ["channels"] = new JsonObject { ["app_push"] = true, ["sms"] = true, ["email"] = true, ["wecom"] = true },
        };
        if (birthday is not null) data["birthday"] = birthday;
        return new CustomerEvent(id ?? $"reg-{customer}", EventTypes.Registered, customer, at, data, "test");
    }

    public static CustomerEvent Order(string customer, DateTimeOffset at, string id, decimal amount = 99m) =>
        new(id, EventTypes.OrderCompleted, customer, at, new JsonObject { ["orderId"] = $"SO-{id}", ["amount"] = amount }, "test");

    public static CustomerEvent ProfileUpdated(string customer, DateTimeOffset at, string id, JsonObject data) =>
        new(id, EventTypes.ProfileUpdated, customer, at, data, "test");

    public static CustomerEvent ReferralAccepted(string referee, string referrer, DateTimeOffset at) =>
        new($"ref-{referee}", EventTypes.ReferralAccepted, referee, at, new JsonObject { ["referrerId"] = referrer }, "test");

    public static CustomerEvent Other(string customer, DateTimeOffset at, string id, string type) =>
        new(id, type, customer, at, new JsonObject { ["page"] = "home" }, "test");
}
