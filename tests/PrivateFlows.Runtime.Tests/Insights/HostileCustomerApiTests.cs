using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Runtime.Insights;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Loyalty;

namespace PrivateFlows.Runtime.Tests.Insights;

/// <summary>
/// Issue 17.3: hostile numbers already stored (or arriving past ingest validation) never poison reads for everybody:
/// the loyalty arithmetic saturates, and a customer whose stored profile cannot be evaluated is left out of segment
/// listings and KPIs (counted and logged) instead of failing them with a 500.
/// </summary>
public sealed class HostileCustomerApiTests
{
    [Fact]
    public async Task Two_orders_of_9e18_saturate_the_balance_and_listings_and_kpis_still_answer()
    {
        using var api = new InsightsApi();
        var t0 = api.Now;
        await api.SendAsync(Ce.Registered("fine", t0), Ce.Registered("huge", t0));
        // Ingest refuses such amounts now (400); these come past it, as data stored before the bounds existed would.
        await api.SendPastIngestChecksAsync(Ce.Event("order.completed", "huge", "o-1", t0, new JsonObject { ["orderId"] = "SO-1", ["amount"] = JsonNode.Parse("9000000000000000000") }));
        await api.SendPastIngestChecksAsync(Ce.Event("order.completed", "huge", "o-2", t0, new JsonObject { ["orderId"] = "SO-2", ["amount"] = JsonNode.Parse("9000000000000000000") }));

        var points = await api.GetAsync(api.Ops, "/api/customers/huge/points");
        points["balance"]!.GetValue<long>().Should().Be(PointsLimits.MaxPoints, points.ToJsonString());

        using var listing = await api.Marketer.GetAsync("/api/segments/lifecycle-new/customers");
        listing.StatusCode.Should().Be(HttpStatusCode.OK, await listing.Content.ReadAsStringAsync());
        var members = (await listing.Content.ReadFromJsonAsync<JsonObject>())!;
        members["customers"]!.AsArray().Select(c => c!["customerId"]!.GetValue<string>()).Should().Contain("fine");
        members["skipped"]!.GetValue<int>().Should().Be(0);
        using var tier = await api.Marketer.GetAsync("/api/segments/tier-member/customers");
        tier.StatusCode.Should().Be(HttpStatusCode.OK, await tier.Content.ReadAsStringAsync());

        using var kpis = await api.Marketer.GetAsync("/api/kpis");
        kpis.StatusCode.Should().Be(HttpStatusCode.OK, await kpis.Content.ReadAsStringAsync());
    }

    [Fact]
    public void A_profile_that_cannot_be_evaluated_is_named_unreadable_and_a_sound_one_is_not()
    {
        var now = new DateTimeOffset(2026, 5, 1, 2, 0, 0, TimeSpan.Zero);
        var program = CustomerProgram.Default;

        CustomerDirectory.Unreadable(new CustomerProfile { CustomerId = "broken", Orders = null! }, now, program).Should().BeOfType<NullReferenceException>();
        CustomerDirectory.Unreadable(new CustomerProfile { CustomerId = "fine", RegisteredAt = DateTimeOffset.MaxValue, LastActiveAt = DateTimeOffset.MaxValue }, now, program).Should().BeNull();
    }
}
