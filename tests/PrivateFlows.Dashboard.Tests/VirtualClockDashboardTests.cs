using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PrivateFlows.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PrivateFlows.Dashboard.Tests;

/// <summary>
/// The dashboard against a host on the virtual clock, started months before this computer's today: every relative
/// time is measured from the host's clock, and the funnel tells waiting, other branches, conversions and drop-offs apart.
/// </summary>
[Collection(VirtualClockCollection.Name)]
public sealed class VirtualClockDashboardTests(VirtualClockFixture fixture)
{
    // hello → wait-1d → ordered-yet ─┬→ coupon → wait-2d ─┬→ done
    //                                 └→ thanks ───────────┘
    private const string FunnelJourney = """
        journey: dash-funnel
        title: Funnel demo
        entry:
          event: app.opened
          reentry: once
        goal:
          event: coupon.redeemed
          within: 14d
        exit:
          - event: customer.unsubscribed
        steps:
          - id: hello
            send:
              channel: app_push
              template: onboarding-welcome
              category: transactional
          - id: wait-1d
            wait: 1d
          - id: ordered-yet
            branch:
              - when: "customer.orders.count > 0"
                next: thanks
              - else: coupon
          - id: coupon
            issue_coupon: { coupon: FUN5, amount: 5, valid: 7d }
          - id: wait-2d
            wait: 2d
            next: done
          - id: thanks
            wait: 1d
          - id: done
            end: completed
        """;

    private static readonly TimeSpan PageWait = TimeSpan.FromSeconds(20);

    private DashboardHost Host => fixture.Host;

    [Fact]
    public async Task Relative_times_are_measured_from_the_host_clock_not_the_browser_clock()
    {
        // The virtual clock stands where a test in this class left it; the timer falls due a day after the registration.
        await Host.PostEventsAsync(Events.Registered("vc-1"));
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/#/operations");

        var due = page.Locator("#timers-card tbody tr").Filter(new() { HasText = "vc-1" }).Locator("time");
        await Expect(due).ToHaveTextAsync("tomorrow", new() { Timeout = (float)PageWait.TotalMilliseconds });
        await Expect(page.Locator("#clock-chip")).ToContainTextAsync(VirtualClockFixture.Start.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The customer registered at the host's now, not months ago.
        await page.GotoAsync("/#/customers/vc-1");
        await Expect(page.Locator(".customer-id h2")).ToBeVisibleAsync();
        var registered = page.Locator(".stat").Filter(new() { HasText = "Registered" }).Locator(".stat-value");
        await Expect(registered).ToHaveTextAsync(new Regex("^(now|\\d+ seconds? ago)$"));

        // When the host's clock moves, the dashboard follows on the next page.
        await Host.AdvanceClockAsync("PT3H");
        await page.GotoAsync("/#/operations");
        await Expect(due).ToHaveTextAsync("in 21 hours");
        (await page.Locator("time").AllInnerTextsAsync()).Should().NotContain(t => t.EndsWith(" ago", StringComparison.Ordinal) && (t.Contains("month") || t.Contains("year")));
        await DashboardFixture.ScreenshotAsync(page, "operations-virtual-clock");
        NoScriptErrors(page);
    }

    [Fact]
    public async Task The_funnel_tells_customers_still_waiting_other_branches_and_conversions_apart_from_drop_offs()
    {
        using (var response = await Host.User.PostAsJsonAsync("/api/journeys", new { yaml = FunnelJourney }))
        {
            response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
        }

        string[] customers = ["fn-1", "fn-2", "fn-3", "fn-4", "fn-5", "fn-6"];
        await Host.PostEventsAsync([.. customers.Select(c => Events.Registered(c))]);
        await Host.PostEventsAsync(Order("fn-4"), Order("fn-5"));                        // they have ordered before
        await Host.PostEventsAsync([.. customers.Select(Events.AppOpened)]);            // all six enter, all wait a day
        await Host.PostEventsAsync(Event("fn-1", "customer.unsubscribed"), Event("fn-2", "coupon.redeemed")); // one leaves, one converts
        await Host.AdvanceClockAsync("P1D");                                              // fn-3, fn-6 → coupon; fn-4, fn-5 → thanks

        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/#/funnels/dash-funnel");
        var funnel = page.Locator("#funnel-card .funnel-block");
        await Expect(funnel).ToHaveCountAsync(1, new() { Timeout = (float)PageWait.TotalMilliseconds }); // statistics take a while on a busy machine
        ILocator Row(string stage) => funnel.Locator($".funnel-row[data-stage='{stage}']");

        (await funnel.Locator(".funnel-row .funnel-label").AllTextContentsAsync()).Should()
            .Equal("Entered", "hello", "wait-1d", "ordered-yet", "coupon", "wait-2d", "thanks", "done", "Converted");
        await Expect(Row("entered").Locator(".funnel-value")).ToHaveTextAsync("6");
        await Expect(Row("step:wait-1d").Locator(".funnel-value")).ToHaveTextAsync(new Regex("^6 100%$"));

        // Of the six who waited a day, one unsubscribed (a drop-off) and one converted before the branch.
        await Expect(Row("step:ordered-yet").Locator(".funnel-value")).ToHaveTextAsync(new Regex("^4 66\\.7%"));
        await Expect(Row("step:ordered-yet").Locator(".funnel-drop")).ToHaveTextAsync("−1 (16.7%) dropped off");
        await Expect(Row("step:ordered-yet").Locator(".funnel-converted")).ToHaveTextAsync("1 converted before this step");

        // The branch: each side counts the other as another branch, never as a drop-off.
        await Expect(Row("step:coupon").Locator(".funnel-value")).ToHaveTextAsync(new Regex("^2 33\\.3%"));
        await Expect(Row("step:coupon").Locator(".funnel-other")).ToHaveTextAsync("2 took another branch");
        await Expect(Row("step:thanks").Locator(".funnel-value")).ToHaveTextAsync(new Regex("^2 33\\.3%"));
        await Expect(Row("step:thanks").Locator(".funnel-other")).ToHaveTextAsync("2 took another branch");
        await Expect(Row("step:wait-2d").Locator(".funnel-note")).ToHaveCountAsync(0);

        // Both sides still wait before the end: on their way, not lost.
        await Expect(Row("step:done").Locator(".funnel-value")).ToHaveTextAsync(new Regex("^0 0%"));
        await Expect(Row("step:done").Locator(".funnel-waiting")).ToHaveTextAsync("4 still on their way");
        await Expect(Row("converted").Locator(".funnel-value")).ToHaveTextAsync(new Regex("^1 16\\.7%"));
        await Expect(Row("converted").Locator(".funnel-waiting")).ToHaveTextAsync("4 still on their way");
        await Expect(Row("converted").Locator(".funnel-drop")).ToHaveTextAsync("−1 (16.7%) ended without converting");
        await Expect(funnel.Locator(".funnel-drop")).ToHaveCountAsync(2);
        (await page.InnerTextAsync("main")).Should().NotMatchRegex(DashboardTests.DeveloperPlaceholder);

        // Every send and conversion happened on one day: the chart over time names that day once.
        (await page.Locator("svg.line-chart text.axis").AllTextContentsAsync()).Should().ContainSingle(t => t.EndsWith(" Mar", StringComparison.Ordinal));
        await DashboardFixture.ScreenshotAsync(page, "funnel-branches");
        await page.Locator("#funnel-card").ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.ScreenshotFolder, "funnel-branches-card.png") });

        // Nobody joined 30 days ago on this clock: retention is 0 out of 0, which is no rate at all.
        var kpis = await Host.User.GetFromJsonAsync<JsonObject>("/api/kpis");
        kpis!["retention30d"]!["trials"]!.GetValue<long>().Should().Be(0);
        await page.GotoAsync("/#/kpis");
        await Expect(page.Locator("[data-stat='retention30d'] .stat-value")).ToHaveTextAsync("—");
        await Expect(page.Locator("[data-stat='activityRate'] .stat-value")).ToHaveTextAsync(new Regex("%$"));
        NoScriptErrors(page);
    }

    private static JsonObject Order(string customer) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = $"order-{customer}",
        ["type"] = "order.completed",
        ["source"] = "shop",
        ["subject"] = customer,
        ["data"] = new JsonObject { ["orderId"] = $"SO-{customer}", ["amount"] = 59 },
    };

    private static JsonObject Event(string customer, string type) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = $"{type}-{customer}",
        ["type"] = type,
        ["source"] = "app",
        ["subject"] = customer,
        ["data"] = new JsonObject(),
    };

    private void NoScriptErrors(IPage page) => fixture.PageErrors[page].Should().BeEmpty();
}
