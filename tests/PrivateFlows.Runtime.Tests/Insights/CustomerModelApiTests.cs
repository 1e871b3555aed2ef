using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PrivateFlows.Runtime.Tests.Insights;

/// <summary>Issue 7 over HTTP: KPIs, segments (configured, quintile RFM), points, and the review of held referral rewards.</summary>
public sealed class CustomerModelApiTests
{
    [Fact]
    public async Task Kpis_match_a_hand_computed_customer_base_with_roi_per_journey()
    {
        using var api = new InsightsApi();
        var t0 = api.Now;
        await api.SendAsync(Ce.Registered("k1", t0), Ce.Registered("k2", t0), Ce.Registered("k3", t0), Ce.Registered("k4", t0.AddDays(-40)), Ce.Registered("k5", t0.AddDays(-60)));
        await api.SendAsync(Ce.AppOpened("k4", "open-k4", t0.AddDays(-5)), Ce.AppOpened("k5", "open-k5", t0.AddDays(-50)));
        await api.SendAsync(Ce.Order("k2", "o-k2", 100m, t0), Ce.Order("k3", "o-k3-1", 50m, t0));
        await api.SendAsync(Ce.Order("k3", "o-k3-2", 150m, t0));

        (await api.Producer.GetAsync("/api/kpis")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await api.Ops.GetAsync("/api/kpis")).StatusCode.Should().Be(HttpStatusCode.OK);
        var kpis = await api.GetAsync(api.Marketer, "/api/kpis");

        kpis["customers"]!.GetValue<long>().Should().Be(5);
        Rate(kpis, "activityRate").Should().Be((4, 5), "active in the last 30 days: all but k5");
        Rate(kpis, "conversionRate").Should().Be((2, 5), "buyers: k2, k3");
        Rate(kpis, "repurchaseRate").Should().Be((1, 2), "of the buyers, k3 ordered twice");
        Rate(kpis, "retention30d").Should().Be((1, 2), "of k4 and k5 (joined 30+ days ago), k4 was still active after 30 days");
        kpis["activityRate"]!["low"]!.GetValue<double>().Should().BeLessThan(0.8);
        kpis["averageLifetimeValue"]!.GetValue<decimal>().Should().Be(60m, "(100 + 200) / 5");
        var bySegment = kpis["lifetimeValueBySegment"]!.AsObject();
        bySegment["active"]!.GetValue<decimal>().Should().Be(200m);
        bySegment["new"]!.GetValue<decimal>().Should().Be(33.33m);
        bySegment["at-risk"]!.GetValue<decimal>().Should().Be(0m);
        kpis["lifetimeValueByTier"]!["member"]!.GetValue<decimal>().Should().Be(60m);

        var journeys = kpis["journeys"]!.AsArray().Select(j => j!.AsObject()).ToList();
        journeys.Select(j => j["journey"]!.GetValue<string>()).Should().Contain(["onboarding", "win-back", "referral-reward"]);
        var onboarding = journeys.Single(j => j["journey"]!.GetValue<string>() == "onboarding");
        onboarding["attributedRevenue"]!.GetValue<decimal>().Should().Be(150m, "k2's 100 and k3's first order 50 converted onboarding");
        onboarding["entered"]!.GetValue<long>().Should().Be(5);
        onboarding["converted"]!.GetValue<long>().Should().Be(2);
    }

    [Fact]
    public async Task Segments_list_their_members_with_configured_segments_and_quintile_rfm()
    {
        using var api = new InsightsApi(new Dictionary<string, string?>
        {
            ["PrivateFlows:Program:Rfm:Mode"] = "Quintiles",
            ["PrivateFlows:Program:Segments:0:Name"] = "top-spender",
            ["PrivateFlows:Program:Segments:0:Expression"] = "customer.rfm.m == 5",
            ["PrivateFlows:Program:Segments:0:Description"] = "the top fifth by net spend",
        });
        var t0 = api.Now;
        var spend = new Dictionary<string, decimal> { ["q1"] = 100m, ["q2"] = 200m, ["q3"] = 300m, ["q4"] = 400m, ["q5"] = 500m };
        await api.SendAsync([.. spend.Keys.Append("q0").Select(c => Ce.Registered(c, t0))]);
        await api.SendAsync([.. spend.Select(s => Ce.Order(s.Key, $"o-{s.Key}", s.Value, t0))]);

        (await api.Producer.GetAsync("/api/segments/top-spender/customers")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await api.Marketer.GetAsync("/api/segments/no-such-segment/customers")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var catalog = await api.GetArrayAsync(api.Marketer, "/api/segments");
        catalog.Select(s => s!["name"]!.GetValue<string>()).Should().Contain(["top-spender", "vip", "lifecycle-new", "rfm-champions", "tier-gold"]);

        // Quintiles of 100…500: only 500 scores M5 (fixed cut points would need 5,000).
        var top = await api.GetAsync(api.Marketer, "/api/segments/top-spender/customers");
        top["rfmMode"]!.GetValue<string>().Should().Be("quintiles");
        top["count"]!.GetValue<int>().Should().Be(1);
        var member = top["customers"]!.AsArray().Single()!;
        member["customerId"]!.GetValue<string>().Should().Be("q5");
        member["rfm"]!["m"]!.GetValue<int>().Should().Be(5);
        member["lifecycle"]!.GetValue<string>().Should().Be("new");

        var never = await api.GetAsync(api.Ops, "/api/segments/never-ordered/customers");
        never["customers"]!.AsArray().Select(c => c!["customerId"]!.GetValue<string>()).Should().Equal("q0");
        var paged = await api.GetAsync(api.Ops, "/api/segments/lifecycle-new/customers?limit=4");
        paged["count"]!.GetValue<int>().Should().Be(6);
        paged["customers"]!.AsArray().Should().HaveCount(4);
        var rest = await api.GetAsync(api.Ops, $"/api/segments/lifecycle-new/customers?limit=4&after={paged["next"]!.GetValue<string>()}");
        rest["customers"]!.AsArray().Should().HaveCount(2);

        // Decisions see the same: once the background refresh has computed the quintiles, q5 is a top spender.
        api.Clock.Advance(TimeSpan.FromMinutes(6));
        var segments = await EventuallyAsync(async () => await api.GetAsync(api.Ops, "/api/customers/q5/segments"),
            s => s["segments"]!.AsArray().Any(n => n!.GetValue<string>() == "top-spender"));
        segments["lifecycle"]!.GetValue<string>().Should().Be("new");
        segments["segments"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Contain("lifecycle-new");
    }

    [Fact]
    public void A_program_that_makes_no_sense_stops_the_host_at_start_up()
    {
        using var api = new InsightsApi(new Dictionary<string, string?>
        {
            ["PrivateFlows:Program:Lifecycle:DormantDays"] = "10",
            ["PrivateFlows:Program:Segments:0:Name"] = "Bad Name",
            ["PrivateFlows:Program:Segments:0:Expression"] = "true",
        });

        var start = () => api.CreateClient();

        start.Should().Throw<Exception>().Which.ToString().Should().Contain("lifecycle days must grow").And.Contain("segment name 'Bad Name'");
    }

    [Fact]
    public async Task Points_show_balance_tier_ledger_and_what_expires_next()
    {
        using var api = new InsightsApi();
        var t0 = api.Now;
        await api.SendAsync(Ce.Registered("pt", t0));
        await api.SendAsync(Ce.Order("pt", "o-pt", 99m, t0));

        (await api.Marketer.GetAsync("/api/customers/pt/points")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await api.Ops.GetAsync("/api/customers/nobody/points")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var points = await api.GetAsync(api.Ops, "/api/customers/pt/points");
        points["balance"]!.GetValue<long>().Should().Be(99);
        points["tier"]!.GetValue<string>().Should().Be("member");
        var entry = points["entries"]!.AsArray().Should().ContainSingle().Subject!;
        entry["rule"]!.GetValue<string>().Should().Be("order");
        entry["points"]!.GetValue<long>().Should().Be(99);
        points["expiring"]!["points"]!.GetValue<long>().Should().Be(99);
        points["expiring"]!["at"]!.GetValue<DateTimeOffset>().Should().Be(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)), "the end of the year after earning");
    }

    [Fact]
    public async Task Held_referral_rewards_are_listed_and_approved_or_rejected_through_the_decider()
    {
        using var api = new InsightsApi();
        const string phone = "+8613800011111";
        var t0 = api.Now;
        await api.SendAsync(Ce.Registered("rex", t0, phone: phone), Ce.Registered("rita", t0, phone: phone), Ce.Registered("sam", t0, phone: phone));
        await api.SendAsync(
            Ce.Event("referral.accepted", "rita", "ref-rita", t0, new JsonObject { ["referrerId"] = "rex" }),
            Ce.Event("referral.accepted", "sam", "ref-sam", t0, new JsonObject { ["referrerId"] = "rex" }));
        await api.SendAsync(Ce.Order("rita", "o-rita", 100m, t0), Ce.Order("sam", "o-sam", 120m, t0));
        await api.AdvanceToAsync(t0.AddDays(7).AddHours(1)); // the refund window passes: rewards decided, held for the shared phone

        (await api.Marketer.GetAsync("/api/referrals/held")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var held = await api.GetArrayAsync(api.Ops, "/api/referrals/held");
        held.Select(h => h!["refereeId"]!.GetValue<string>()).Should().BeEquivalentTo(["rita", "sam"]);
        held.Should().OnlyContain(h => h!["referrerId"]!.GetValue<string>() == "rex"
            && h["holds"]!.AsArray().Any(x => x!["code"]!.GetValue<string>() == "shared-phone"));
        var ritaReward = held.Single(h => h!["refereeId"]!.GetValue<string>() == "rita")!["rewardId"]!.GetValue<string>();
        var samReward = held.Single(h => h!["refereeId"]!.GetValue<string>() == "sam")!["rewardId"]!.GetValue<string>();

        (await api.Marketer.PostAsync($"/api/referrals/{Uri.EscapeDataString(ritaReward)}/approve", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await api.Ops.PostAsync("/api/referrals/no-such-reward/approve", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var approve = await api.Ops.PostAsJsonAsync($"/api/referrals/{Uri.EscapeDataString(ritaReward)}/approve", new { reason = "same household, checked" });
        approve.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await approve.Content.ReadFromJsonAsync<JsonObject>())!["refereeId"]!.GetValue<string>().Should().Be("rita");
        await api.SettleAsync();

        (await api.GetArrayAsync(api.Ops, "/api/referrals/held")).Select(h => h!["refereeId"]!.GetValue<string>()).Should().Equal("sam");
        var rita = await api.GetAsync(api.Ops, "/api/customers/rita");
        rita["profile"]!["referredBy"]!["reward"]!["status"]!.GetValue<string>().Should().Be("approved");
        var ritaPoints = await api.GetAsync(api.Ops, "/api/customers/rita/points");
        ritaPoints["entries"]!.AsArray().Should().Contain(e => e!["entryId"]!.GetValue<string>().StartsWith(ritaReward + "/approved", StringComparison.Ordinal) && e["points"]!.GetValue<long>() == 200);
        var rexEntries = (await api.GetAsync(api.Ops, "/api/customers/rex/points"))["entries"]!.AsArray();
        rexEntries.Should().Contain(e => e!["entryId"]!.GetValue<string>() == ritaReward + "/approved/referrer" && e["points"]!.GetValue<long>() == 500 && e["status"]!.GetValue<string>() == "credited");
        (await api.Ops.PostAsync($"/api/referrals/{Uri.EscapeDataString(ritaReward)}/approve", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);

        (await api.Ops.PostAsJsonAsync($"/api/referrals/{Uri.EscapeDataString(samReward)}/reject", new { reason = "fraud ring" })).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await api.SettleAsync();
        (await api.GetArrayAsync(api.Ops, "/api/referrals/held")).Should().BeEmpty();
        var sam = await api.GetAsync(api.Ops, "/api/customers/sam");
        sam["profile"]!["referredBy"]!["reward"]!["status"]!.GetValue<string>().Should().Be("rejected");
        sam["profile"]!["referredBy"]!["reward"]!["note"]!.GetValue<string>().Should().Be("fraud ring");
        (await api.GetAsync(api.Ops, "/api/customers/rex/points"))["entries"]!.AsArray()
            .Should().NotContain(e => e!["entryId"]!.GetValue<string>().StartsWith(samReward + "/approved", StringComparison.Ordinal), "a rejected reward pays nothing");
    }

    [Fact]
    public async Task ReferrerPoints_RefereesOrderSurvivesTheRefundWindow_OnTheReferrersBalanceOnce()
    {
        using var api = new InsightsApi();
        var t0 = api.Now;
        await api.SendAsync(Ce.Registered("rosa", t0, phone: "+8613800013331"), Ce.Registered("ray", t0, phone: "+8613800013332"));
        await api.SendAsync(Ce.Order("rosa", "o-rosa", 120m, t0), Ce.Event("referral.accepted", "ray", "ref-ray", t0, new JsonObject { ["referrerId"] = "rosa" }));
        await api.SendAsync(Ce.Order("ray", "o-ray", 100m, t0.AddHours(1)));

        await api.AdvanceToAsync(t0.AddDays(7).AddHours(2)); // the refund window passes: the reward is paid

        var ray = await api.GetAsync(api.Ops, "/api/customers/ray");
        var reward = ray["profile"]!["referredBy"]!["reward"]!;
        reward["status"]!.GetValue<string>().Should().Be("paid");
        var rewardId = reward["rewardId"]!.GetValue<string>();
        var rosa = await api.GetAsync(api.Ops, "/api/customers/rosa/points");
        var rosaEntries = rosa["entries"]!.AsArray().Select(e => e!.AsObject()).ToList();
        rosa["balance"]!.GetValue<long>().Should().Be(120 + 500, "her order and the referral reward");
        rosa["balance"]!.GetValue<long>().Should().Be(CreditedSum(rosaEntries), "the balance is the sum of the ledger");
        rosaEntries.Should().ContainSingle(e => e["entryId"]!.GetValue<string>().EndsWith("/referrer", StringComparison.Ordinal))
            .Which.Should().Match<JsonObject>(e => e["entryId"]!.GetValue<string>() == rewardId + "/referrer" && e["points"]!.GetValue<long>() == 500
                && e["status"]!.GetValue<string>() == "credited" && e["rule"]!.GetValue<string>() == "referral-referrer", "written once, by rosa's own step");
        var rayPoints = await api.GetAsync(api.Ops, "/api/customers/ray/points");
        rayPoints["balance"]!.GetValue<long>().Should().Be(100 + 200);
        rayPoints["balance"]!.GetValue<long>().Should().Be(CreditedSum(rayPoints["entries"]!.AsArray().Select(e => e!.AsObject())));

        // Time passes, the host keeps running: nothing is credited twice.
        await api.AdvanceToAsync(t0.AddDays(40));
        (await api.GetAsync(api.Ops, "/api/customers/rosa/points"))["balance"]!.GetValue<long>().Should().Be(620);
    }

    [Fact]
    public async Task ApproveHeldReferral_ApprovedTwice_CreditsTheReferrerOnce()
    {
        using var api = new InsightsApi();
        const string phone = "+8613800012222";
        var t0 = api.Now;
        await api.SendAsync(Ce.Registered("hank", t0, phone: phone), Ce.Registered("hana", t0, phone: phone));
        await api.SendAsync(Ce.Event("referral.accepted", "hana", "ref-hana", t0, new JsonObject { ["referrerId"] = "hank" }));
        await api.SendAsync(Ce.Order("hana", "o-hana", 100m, t0));
        await api.AdvanceToAsync(t0.AddDays(7).AddHours(1)); // held: they share a phone
        var rewardId = (await api.GetArrayAsync(api.Ops, "/api/referrals/held")).Should().ContainSingle().Subject!["rewardId"]!.GetValue<string>();
        (await api.GetAsync(api.Ops, "/api/customers/hank/points"))["balance"]!.GetValue<long>().Should().Be(0, "a held reward is not on the balance");

        var url = $"/api/referrals/{Uri.EscapeDataString(rewardId)}/approve";
        using var first = await api.Ops.PostAsync(url, null);
        using var second = await api.Ops.PostAsync(url, null); // a double click: the same decision event, deduplicated
        await api.SettleAsync();
        using var third = await api.Ops.PostAsync(url, null);
        await api.SettleAsync();

        first.StatusCode.Should().Be(HttpStatusCode.Accepted);
        second.StatusCode.Should().BeOneOf(HttpStatusCode.Accepted, HttpStatusCode.Conflict);
        third.StatusCode.Should().Be(HttpStatusCode.Conflict, "the reward is approved already");
        var hank = await api.GetAsync(api.Ops, "/api/customers/hank/points");
        var entries = hank["entries"]!.AsArray().Select(e => e!.AsObject()).ToList();
        entries.Where(e => e["status"]!.GetValue<string>() == "credited").Select(e => e["entryId"]!.GetValue<string>()).Should().Equal(rewardId + "/approved/referrer");
        hank["balance"]!.GetValue<long>().Should().Be(500);
        hank["balance"]!.GetValue<long>().Should().Be(CreditedSum(entries));
    }

    private static long CreditedSum(IEnumerable<JsonObject> entries) =>
        entries.Where(e => e["status"]!.GetValue<string>() == "credited").Sum(e => e["points"]!.GetValue<long>());

    private static (long Successes, long Trials) Rate(JsonObject kpis, string name) => (kpis[name]!["successes"]!.GetValue<long>(), kpis[name]!["trials"]!.GetValue<long>());

    private static async Task<JsonObject> EventuallyAsync(Func<Task<JsonObject>> read, Func<JsonObject, bool> done)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || watch.Elapsed > TimeSpan.FromSeconds(10)) return value;
            await Task.Delay(20);
        }
    }
}
