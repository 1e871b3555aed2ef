using System.Text.Json.Nodes;

namespace PrivateFlows.Dashboard.Tests.Support;

/// <summary>CloudEvents as a shop or app sends them.</summary>
public static class Events
{
    public static JsonObject Registered(string customer, string name = "林晓") => new()
    {
        ["specversion"] = "1.0",
        ["id"] = $"reg-{customer}",
        ["type"] = "customer.registered",
        ["source"] = "shop",
        ["subject"] = customer,
        ["data"] = new JsonObject
        {
            ["name"] = name,
            ["email"] = $"{customer}@example.com",
            ["phone"] = "+8613800010001",
            ["locale"] = "zh-CN",
            ["timeZone"] = "Asia/Shanghai",
            ["channels"] = new JsonObject { ["app_push"] = true, ["sms"] = true, ["email"] = true },
        },
    };

    public static JsonObject AppOpened(string customer) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = $"open-{customer}",
        ["type"] = "app.opened",
        ["source"] = "app",
        ["subject"] = customer,
        ["data"] = new JsonObject { ["platform"] = "ios", ["screen"] = "home" },
    };
}
