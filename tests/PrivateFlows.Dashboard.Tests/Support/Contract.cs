using System.Text.Json.Nodes;

namespace PrivateFlows.Dashboard.Tests.Support;

/// <summary>
/// The answers the dashboard expects from endpoints the host adds later, in the runtime's JSON (camelCase, enums as
/// snake_case strings): the records of <c>PrivateFlows.Workflows.Insights</c> serialised, plus the optional extras the
/// pages draw when present (per-step counts, series over time, ROI per journey).
/// </summary>
public static class Contract
{
    private static JsonObject Proportion(long successes, long trials, double rate, double low, double high) => new()
    {
        ["successes"] = successes,
        ["trials"] = trials,
        ["rate"] = rate,
        ["low"] = low,
        ["high"] = high,
    };

    /// <summary><c>GET /api/journeys/{name}/stats</c>: <c>JourneyStats</c>, variants with optional <c>steps</c>, optional <c>series</c>.</summary>
    public static JsonObject Stats(string version) => new()
    {
        ["journey"] = "onboarding",
        ["variants"] = new JsonArray(
            new JsonObject
            {
                ["version"] = version,
                ["variant"] = "-",
                ["entered"] = 120,
                ["active"] = 20,
                ["completed"] = 40,
                ["converted"] = 45,
                ["exited"] = 15,
                ["sent"] = 260,
                ["suppressed"] = 12,
                ["revenue"] = 8400.0,
                ["couponCost"] = 600.0,
                ["conversion"] = Proportion(45, 120, 0.375, 0.293, 0.465),
                ["steps"] = new JsonObject { ["welcome"] = 120, ["first-order-coupon"] = 70, ["coupon-sms"] = 66, ["tips"] = 101 },
            },
            new JsonObject
            {
                ["version"] = version,
                ["variant"] = "holdout",
                ["entered"] = 30,
                ["active"] = 4,
                ["completed"] = 19,
                ["converted"] = 5,
                ["exited"] = 2,
                ["sent"] = 0,
                ["suppressed"] = 0,
                ["revenue"] = 0.0,
                ["couponCost"] = 0.0,
                ["conversion"] = Proportion(5, 30, 0.167, 0.073, 0.336),
            }),
        ["holdoutUplift"] = 0.12,
        ["upliftConfidence"] = 0.96,
        ["attributedRevenue"] = 8400.0,
        ["messageCost"] = 26.0,
        ["couponCost"] = 600.0,
        ["roi"] = 12.4,
        ["series"] = new JsonArray([.. Enumerable.Range(0, 14).Select(d => (JsonNode)new JsonObject
        {
            ["date"] = new DateTime(2026, 11, 1).AddDays(d).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["sends"] = 12 + (d * 7 % 11),
            ["conversions"] = 2 + (d * 5 % 4),
        })]),
    };

    /// <summary><c>GET /api/kpis</c>: <c>Kpis</c>, plus optional <c>roi</c> and <c>journeys: [{journey, roi, attributedRevenue}]</c>.</summary>
    public static JsonObject Kpis() => new()
    {
        ["customers"] = 1200,
        ["activityRate"] = Proportion(504, 1200, 0.42, 0.392, 0.448),
        ["conversionRate"] = Proportion(660, 1200, 0.55, 0.522, 0.578),
        ["repurchaseRate"] = Proportion(251, 660, 0.38, 0.344, 0.418),
        ["retention30d"] = Proportion(279, 900, 0.31, 0.281, 0.341),
        ["averageLifetimeValue"] = 236.4,
        ["lifetimeValueBySegment"] = new JsonObject { ["active"] = 310.2, ["at-risk"] = 180.5, ["dormant"] = 95.0, ["new"] = 40.1 },
        ["roi"] = 3.2,
        ["journeys"] = new JsonArray(
            new JsonObject { ["journey"] = "onboarding", ["roi"] = 12.4, ["attributedRevenue"] = 8400.0 },
            new JsonObject { ["journey"] = "repurchase-nudge", ["roi"] = 4.1, ["attributedRevenue"] = 5200.0 },
            new JsonObject { ["journey"] = "win-back", ["roi"] = 1.3, ["attributedRevenue"] = 2100.0 }),
    };

    /// <summary><c>GET /api/customers/{id}/explain?journey=&amp;step=</c>: <c>Explanation</c>.</summary>
    public static JsonObject Explanation() => new()
    {
        ["status"] = "waiting",
        ["summary"] = "waiting at 'wait-1d' until 2026-11-25T12:00:00Z; 'tips' has not been reached yet",
        ["instanceId"] = "onboarding-0123456789abcdef",
        ["at"] = "2026-11-24T12:00:00Z",
        ["evidence"] = new JsonArray(
            new JsonObject
            {
                ["entryId"] = "onboarding-0123456789abcdef/h0",
                ["instanceId"] = "onboarding-0123456789abcdef",
                ["journey"] = "onboarding",
                ["time"] = "2026-11-24T12:00:00Z",
                ["kind"] = "entered",
                ["detail"] = "entered on customer.registered (reg-dm-1), version 1",
            },
            new JsonObject
            {
                ["entryId"] = "onboarding-0123456789abcdef/h2",
                ["instanceId"] = "onboarding-0123456789abcdef",
                ["journey"] = "onboarding",
                ["time"] = "2026-11-24T12:00:00Z",
                ["kind"] = "waiting",
                ["step"] = "wait-1d",
                ["detail"] = "until 2026-11-25T12:00:00Z",
            }),
    };

    /// <summary><c>GET /api/customers/{id}/segments</c>: lifecycle stage, RFM score and named segments.</summary>
    public static JsonObject Segments() => new()
    {
        ["lifecycle"] = "new",
        ["rfm"] = new JsonObject { ["r"] = 5, ["f"] = 1, ["m"] = 1, ["group"] = "new-customers" },
        ["segments"] = new JsonArray("never-ordered"),
    };
}
