using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Workflows.Tests.Support;

/// <summary>Builds the customer events the built-in journeys react to.</summary>
public static class Events
{
    public static CustomerEvent Make(string id, string type, DateTimeOffset at, JsonObject? data = null, string customerId = "c1") =>
        new(id, type, customerId, at, data ?? [], "test");

    public static CustomerEvent Registered(string id, DateTimeOffset at, string customerId = "c1", JsonObject? data = null) =>
        Make(id, EventTypes.Registered, at, data, customerId);

    public static CustomerEvent ProfileUpdated(string id, DateTimeOffset at, JsonObject data, string customerId = "c1") =>
        Make(id, EventTypes.ProfileUpdated, at, data, customerId);

    /// <summary>A paid order; with <paramref name="useCycleDays"/> its first item carries the product's use cycle.</summary>
    public static CustomerEvent Order(string id, DateTimeOffset at, decimal amount = 159m, string? orderId = null, int? useCycleDays = null, int quantity = 1, string customerId = "c1")
    {
        var data = new JsonObject { ["orderId"] = orderId ?? "SO-" + id, ["amount"] = amount, ["currency"] = "CNY" };
        if (useCycleDays is not null)
        {
            data["items"] = new JsonArray(new JsonObject { ["sku"] = "XM-SERUM-VC-30ML", ["quantity"] = quantity, ["price"] = amount / quantity, ["useCycleDays"] = useCycleDays });
        }

        return Make(id, EventTypes.OrderCompleted, at, data, customerId);
    }

    public static CustomerEvent Refund(string id, DateTimeOffset at, string orderId, decimal amount = 159m, string customerId = "c1") =>
        Make(id, EventTypes.OrderRefunded, at, new JsonObject { ["orderId"] = orderId, ["amount"] = amount }, customerId);

    /// <summary>Unsubscribe from everything, or (with <paramref name="channel"/>) from one channel only.</summary>
    public static CustomerEvent Unsubscribed(string id, DateTimeOffset at, string? channel = null, string customerId = "c1") =>
        Make(id, EventTypes.Unsubscribed, at, channel is null ? [] : new JsonObject { ["channel"] = channel }, customerId);

    public static CustomerEvent ReferralAccepted(string id, DateTimeOffset at, string? referrerId = "cust-20001", string customerId = "c1")
    {
        var data = new JsonObject { ["referralCode"] = "XM-7QK2P" };
        if (referrerId is not null) data["referrerId"] = referrerId;
        return Make(id, EventTypes.ReferralAccepted, at, data, customerId);
    }
}
