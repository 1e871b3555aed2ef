using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Tests.Insights;

/// <summary>
/// <c>GET /api/journeys/{name}/stats</c> end to end: a hand-computed example, an independent recount from the raw
/// history, costs from configuration, statistics surviving erasure, and the A/B winner rule routing new entries.
/// </summary>
public sealed class JourneyStatsApiTests : IDisposable
{
    private const string StatsDemo = """
        journey: stats-demo
        entry:
          event: customer.registered
        goal:
          event: order.completed
          within: 7d
        exit:
          - event: customer.unsubscribed
        steps:
          - id: pick
            split:
              holdout: 20
              variants:
                - { name: a, weight: 50, next: coupon-a }
                - { name: b, weight: 50, next: mail-b }
          - id: coupon-a
            issue_coupon: { coupon: DEMO5, amount: 5, valid: 7d }
          - id: sms-a
            send: { channel: sms, template: demo-a, category: transactional }
            next: window
          - id: mail-b
            send: { channel: email, template: demo-b, category: transactional }
          - id: window
            wait: 7d
          - id: done
            end: completed
        """;

    private const string AbWin = """
        journey: ab-win
        entry:
          event: customer.registered
        goal:
          event: order.completed
          within: 30d
        steps:
          - id: pick
            split:
              variants:
                - { name: a, weight: 50, next: push-a }
                - { name: b, weight: 50, next: push-b }
              winner: { after: 1d, metric: conversion, confidence: 95 }
          - id: push-a
            send: { channel: app_push, template: win-a, category: transactional }
            next: window
          - id: push-b
            send: { channel: app_push, template: win-b, category: transactional }
          - id: window
            wait: 30d
          - id: done
            end: completed
        """;

    private readonly InsightsApi _api = new(new Dictionary<string, string?>
    {
        ["PrivateFlows:Costs:PerMessage:sms"] = "0.1",
        ["PrivateFlows:Costs:PerMessage:email"] = "0.01",
        ["PrivateFlows:Costs:PerMessage:default"] = "0",
    }, builtInJourneys: false);

    public void Dispose() => _api.Dispose();

    /// <summary>The variant the split gives a customer: holdout first, then by weight (as the decider does).</summary>
    private static string VariantOf(string customer, string journey, int holdout)
    {
        if (holdout > 0 && DeterministicIds.Bucket(customer, journey, "holdout", 100) < holdout) return "holdout";
        return DeterministicIds.Bucket(customer, journey, "variant", 10_000) * 100 / 10_000 < 50 ? "a" : "b";
    }

    /// <summary>Customer ids in the wanted variants, found by trying ids in order.</summary>
    private static Dictionary<string, List<string>> Pick(string journey, int holdout, string prefix, params (string Variant, int Count)[] wanted)
    {
        var picked = wanted.ToDictionary(w => w.Variant, _ => new List<string>());
        for (var i = 0; picked.Any(p => p.Value.Count < wanted.Single(w => w.Variant == p.Key).Count); i++)
        {
            var id = $"{prefix}-{i.ToString("D3", CultureInfo.InvariantCulture)}";
            var variant = VariantOf(id, journey, holdout);
            if (picked.TryGetValue(variant, out var list) && list.Count < wanted.Single(w => w.Variant == variant).Count) list.Add(id);
        }

        return picked;
    }

    [Fact]
    public async Task Stats_match_a_hand_computed_example_and_an_independent_recount_from_history()
    {
        await _api.PublishAsync(StatsDemo, "demo-a", "demo-b");
        var ids = Pick("stats-demo", 20, "s", ("a", 4), ("b", 4), ("holdout", 2));
        var t0 = _api.Now;
        await _api.SendAsync([.. ids.Values.SelectMany(v => v).Select(c => Ce.Registered(c, t0))]);

        // a: 2 of 4 convert (100 + 50); b: 1 of 4 converts (80), 1 unsubscribes; holdout: 1 of 2 converts (30, not attributed).
        var orders = new Dictionary<string, decimal> { [ids["a"][0]] = 100m, [ids["a"][1]] = 50m, [ids["b"][0]] = 80m, [ids["holdout"][0]] = 30m };
        var t1 = t0.AddHours(2);
        _api.Clock.SetUtcNow(t1);
        await _api.SendAsync([.. orders.Select(o => Ce.Order(o.Key, $"o-{o.Key}", o.Value, t1)), Ce.Event("customer.unsubscribed", ids["b"][1], "unsub-b1", t1)]);

        (await _api.Producer.GetAsync("/api/journeys/stats-demo/stats")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _api.Ops.GetAsync("/api/journeys/nope/stats")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _api.Ops.GetAsync("/api/journeys/stats-demo/stats")).StatusCode.Should().Be(HttpStatusCode.OK);
        var stats = await _api.GetAsync(_api.Marketer, "/api/journeys/stats-demo/stats");

        // By hand.
        var a = Row(stats, "a");
        (Long(a, "entered"), Long(a, "converted"), Long(a, "active"), Long(a, "exited"), Long(a, "sent")).Should().Be((4L, 2L, 2L, 0L, 4L));
        a["revenue"]!.GetValue<decimal>().Should().Be(150m);
        a["couponCost"]!.GetValue<decimal>().Should().Be(20m);
        a["conversion"]!["rate"]!.GetValue<double>().Should().Be(0.5);
        a["conversion"]!["low"]!.GetValue<double>().Should().BeApproximately(0.15004, 1e-4);   // Wilson 95%: 2 of 4
        a["conversion"]!["high"]!.GetValue<double>().Should().BeApproximately(0.84996, 1e-4);
        var b = Row(stats, "b");
        (Long(b, "entered"), Long(b, "converted"), Long(b, "active"), Long(b, "exited"), Long(b, "sent")).Should().Be((4L, 1L, 2L, 1L, 4L));
        b["conversion"]!["low"]!.GetValue<double>().Should().BeApproximately(0.04559, 1e-4);   // 1 of 4
        b["conversion"]!["high"]!.GetValue<double>().Should().BeApproximately(0.69936, 1e-4);
        var holdout = Row(stats, "holdout");
        (Long(holdout, "entered"), Long(holdout, "converted"), Long(holdout, "active"), Long(holdout, "sent")).Should().Be((2L, 1L, 1L, 0L));
        stats["attributedRevenue"]!.GetValue<decimal>().Should().Be(230m, "holdout revenue is not attributed");
        stats["messageCost"]!.GetValue<decimal>().Should().Be(0.44m, "4 SMS × 0.1 + 4 emails × 0.01");
        stats["couponCost"]!.GetValue<decimal>().Should().Be(20m, "4 coupons of 5 issued");
        stats["roi"]!.GetValue<double>().Should().BeApproximately((230 - 20.44) / 20.44, 1e-9);
        stats["holdoutUplift"]!.GetValue<double>().Should().BeApproximately(3.0 / 8 - 0.5, 1e-9);
        stats["upliftConfidence"]!.GetValue<double>().Should().BeInRange(0, 1);
        stats["winnerDeclared"]!.GetValue<bool>().Should().BeFalse();
        stats["series"]!.AsArray().Sum(p => p!["sends"]!.GetValue<int>()).Should().Be(8);
        stats["series"]!.AsArray().Sum(p => p!["conversions"]!.GetValue<int>()).Should().Be(4);

        // Independently, from each customer's raw history.
        var recount = new Dictionary<string, (long Entered, long Converted, long Exited, long Active, long Sent, long Suppressed, decimal Revenue)>();
        foreach (var customer in ids.Values.SelectMany(v => v))
        {
            var lines = (await _api.HistoryAsync(customer)).Where(h => h["journey"]!.GetValue<string>() == "stats-demo").ToList();
            var kinds = lines.Select(h => h["kind"]!.GetValue<string>()).ToList();
            kinds.Count(k => k == "entered").Should().Be(1);
            var variant = kinds.Contains("held_out") ? "holdout"
                : lines.Single(h => h["kind"]!.GetValue<string>() == "split_variant")["detail"]!.GetValue<string>().Split(' ')[1];
            var converted = kinds.Contains("goal_reached");
            var exited = kinds.Contains("exited");
            var ended = converted || exited || kinds.Contains("completed") || kinds.Contains("cancelled");
            var r = recount.GetValueOrDefault(variant);
            recount[variant] = (r.Entered + 1, r.Converted + (converted ? 1 : 0), r.Exited + (exited ? 1 : 0), r.Active + (ended ? 0 : 1),
                r.Sent + kinds.Count(k => k == "sent"), r.Suppressed + kinds.Count(k => k == "suppressed"), r.Revenue + (converted ? orders[customer] : 0m));
        }

        foreach (var (variant, expected) in recount)
        {
            var row = Row(stats, variant);
            (Long(row, "entered"), Long(row, "converted"), Long(row, "exited"), Long(row, "active"), Long(row, "sent"), Long(row, "suppressed"), row["revenue"]!.GetValue<decimal>())
                .Should().Be(expected, variant);
        }

        stats["variants"]!.AsArray().Should().HaveCount(recount.Count);

        // Erasing a converted customer and an active one changes no count (the active one is cancelled, no longer active).
        (await _api.Ops.DeleteAsync($"/api/customers/{ids["a"][0]}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _api.Ops.DeleteAsync($"/api/customers/{ids["a"][3]}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var afterErase = await _api.GetAsync(_api.Marketer, "/api/journeys/stats-demo/stats");
        var a2 = Row(afterErase, "a");
        (Long(a2, "entered"), Long(a2, "converted"), Long(a2, "active"), Long(a2, "sent")).Should().Be((4L, 2L, 1L, 4L));
        afterErase["attributedRevenue"]!.GetValue<decimal>().Should().Be(230m);
        afterErase["couponCost"]!.GetValue<decimal>().Should().Be(20m);
    }

    [Fact]
    public async Task Stats_InstancesOnDifferentPaths_CountStepsReachedPerVariantInStepOrder()
    {
        await _api.PublishAsync(StatsDemo, "demo-a", "demo-b");
        var ids = Pick("stats-demo", 20, "r", ("a", 3), ("b", 2), ("holdout", 1));
        var t0 = _api.Now;
        await _api.SendAsync([.. ids.Values.SelectMany(v => v).Select(c => Ce.Registered(c, t0))]);
        // One of b converts while waiting: it reached the wait and nothing after it.
        _api.Clock.SetUtcNow(t0.AddHours(1));
        await _api.SendAsync([Ce.Order(ids["b"][0], "o-r-b0", 10m, t0.AddHours(1))]);

        var stats = await _api.GetAsync(_api.Marketer, "/api/journeys/stats-demo/stats");
        static List<(string, long)> Steps(JsonNode row) => [.. row["steps"]!.AsArray().Select(s => (s!["step"]!.GetValue<string>(), s["reached"]!.GetValue<long>()))];

        // Every step of the version in the journey's order, with the ones nobody on this path reached at 0.
        Steps(Row(stats, "a")).Should().Equal(("pick", 3L), ("coupon-a", 3L), ("sms-a", 3L), ("mail-b", 0L), ("window", 3L), ("done", 0L));
        Steps(Row(stats, "b")).Should().Equal(("pick", 2L), ("coupon-a", 0L), ("sms-a", 0L), ("mail-b", 2L), ("window", 2L), ("done", 0L));
        Steps(Row(stats, "holdout")).Should().Equal(("pick", 1L), ("coupon-a", 0L), ("sms-a", 0L), ("mail-b", 0L), ("window", 0L), ("done", 0L));
        Long(Row(stats, "b"), "converted").Should().Be(1);
    }

    [Fact]
    public async Task A_winner_rule_declares_the_better_variant_after_its_time_and_new_entries_go_there()
    {
        await _api.PublishAsync(AbWin, "win-a", "win-b");
        var ids = Pick("ab-win", 0, "w", ("a", 6), ("b", 12));
        var t0 = _api.Now;
        await _api.SendAsync([.. ids["a"].Concat(ids["b"].Take(6)).Select(c => Ce.Registered(c, t0))]);
        await _api.SendAsync([.. ids["a"].Select(c => Ce.Order(c, $"o-{c}", 60m, t0))]);

        var early = await _api.GetAsync(_api.Marketer, "/api/journeys/ab-win/stats");
        early["winnerDeclared"]!.GetValue<bool>().Should().BeFalse("the rule waits 1d after the first entry");
        early["winnerRule"]!.GetValue<string>().Should().Contain("after 1d");

        // Before the rule's time a "b" customer still gets b.
        await _api.SendAsync(Ce.Registered(ids["b"][6], t0.AddHours(1)));
        (await VariantAsync(ids["b"][6])).Should().Be("b");

        await _api.AdvanceToAsync(t0.AddDays(1).AddMinutes(1));
        var stats = await _api.GetAsync(_api.Marketer, "/api/journeys/ab-win/stats");
        stats["winnerDeclared"]!.GetValue<bool>().Should().BeTrue();
        stats["winner"]!.GetValue<string>().Should().Be("a");
        stats["declaredWinner"]!["variant"]!.GetValue<string>().Should().Be("a");
        stats["declaredWinner"]!["confidence"]!.GetValue<double>().Should().BeGreaterThan(0.95);
        (await _api.Store.ReadWinnersAsync()).Should().ContainSingle(w => w.Journey == "ab-win" && w.Variant == "a");

        // Customers who would have drawn b now enter a, and the history says why.
        var late = ids["b"].Skip(7).ToList();
        await _api.SendAsync([.. late.Select(c => Ce.Registered(c, _api.Now))]);
        foreach (var customer in late)
        {
            (await VariantAsync(customer)).Should().Be("a", customer);
            (await _api.HistoryAsync(customer)).Should().Contain(h => h["kind"]!.GetValue<string>() == "split_variant" && h["detail"]!.GetValue<string>().Contains("declared winner", StringComparison.Ordinal));
        }

        var after = await _api.GetAsync(_api.Marketer, "/api/journeys/ab-win/stats");
        Long(Row(after, "a"), "entered").Should().Be(6 + late.Count);
        Long(Row(after, "b"), "entered").Should().Be(7);
    }

    private async Task<string> VariantAsync(string customer) =>
        (await _api.GetArrayAsync(_api.Ops, $"/api/customers/{customer}/instances")).Single(i => i!["journey"]!.GetValue<string>() == "ab-win")!["variant"]!.GetValue<string>();

    private static JsonObject Row(JsonObject stats, string variant) => stats["variants"]!.AsArray().Single(v => v!["variant"]!.GetValue<string>() == variant)!.AsObject();

    private static long Long(JsonObject row, string field) => row[field]!.GetValue<long>();
}
