using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PrivateFlows.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PrivateFlows.Dashboard.Tests;

/// <summary>The dashboard in a real Chromium against the real host: what a marketer and an ops person do with it.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardFixture fixture)
{
    private const string WelcomeJourney = """
        # Greets a member the first time she opens the app.
        journey: dash-welcome
        title: 打开 App 欢迎 / App welcome
        description: Greets a member the first time she opens the app, then waits two days.

        entry:
          event: app.opened
          reentry: once

        steps:
          - id: hello
            send:
              channel: app_push
              template: onboarding-welcome
              category: transactional

          - id: wait-2d
            wait: 2d

          - id: done
            end: completed
        """;

    // Line 14 names a step that does not exist.
    private const string BrokenJourney = """
        journey: dash-broken
        title: Broken
        entry:
          event: app.opened
          reentry: once
        steps:
          - id: hello
            send:
              channel: app_push
              template: onboarding-welcome
              category: transactional
          - id: wait-2d
            wait: 2d
            next: nowhere
          - id: done
            end: completed
        """;

    private static readonly TimeSpan LiveCountWait = TimeSpan.FromSeconds(25);

    /// <summary>Text meant for developers that once stood in for missing features on the pages.</summary>
    internal const string DeveloperPlaceholder = @"(?i)not available yet|\b(GET|POST|DELETE) /|/api/";

    private DashboardHost Host => fixture.Host;

    [Fact]
    public async Task A_401_to_a_request_sent_before_the_key_was_saved_does_not_lock_the_new_key()
    {
        var page = await fixture.NewPageAsync(withKey: false);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heldUrl = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/**", async route =>
        {
            // The first request sent without a key gets its real 401 only after the key has been saved.
            if (!route.Request.Headers.ContainsKey("x-api-key") && heldUrl.TrySetResult(route.Request.Url))
            {
                var response = await route.FetchAsync();
                await release.Task;
                await route.FulfillAsync(new() { Response = response });
                return;
            }

            await route.ContinueAsync();
        });
        var lateAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.RequestFinished += (_, request) =>
        {
            if (release.Task.IsCompleted && heldUrl.Task.IsCompleted && request.Url == heldUrl.Task.Result && !request.Headers.ContainsKey("x-api-key")) lateAnswered.TrySetResult();
        };

        await page.GotoAsync("/");
        await heldUrl.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await page.ClickAsync("#key-button"); // the held 401 has not opened the dialog: the user opens it
        await page.GetByLabel("Key (marketer and/or ops role)").FillAsync(DashboardHost.DashboardKey);
        await page.ClickAsync("#key-save");
        await Expect(page.Locator("tr[data-journey='onboarding']")).ToBeVisibleAsync();
        await Expect(page.Locator("#mode-chip")).ToContainTextAsync("cdef");
        release.TrySetResult();
        await lateAnswered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await page.EvaluateAsync("() => new Promise(requestAnimationFrame)"); // the late answer's handlers have run

        await Expect(page.Locator("#mode-chip")).ToContainTextAsync("cdef");
        await Expect(page.Locator("#key-dialog")).Not.ToBeVisibleAsync();
    }

    [Fact]
    public async Task Without_a_key_the_dashboard_asks_for_one_and_then_lists_the_journeys()
    {
        var page = await fixture.NewPageAsync(withKey: false);
        await page.GotoAsync("/");

        var dialog = page.Locator("#key-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await page.GetByLabel("Key (marketer and/or ops role)").FillAsync(DashboardHost.DashboardKey);
        await page.ClickAsync("#key-save");

        await Expect(page.Locator("tr[data-journey='onboarding']")).ToBeVisibleAsync();
        await Expect(page.Locator("tr[data-journey='win-back']")).ToContainTextAsync("v1");
        await Expect(page.Locator("#mode-chip")).ToContainTextAsync("cdef");
        (await page.EvaluateAsync<string>("localStorage.getItem('privateflows.apiKey')")).Should().Be(DashboardHost.DashboardKey);
        await DashboardFixture.ScreenshotAsync(page, "journeys");
        NoScriptErrors(page);
    }

    [Fact]
    public async Task A_journey_published_in_the_editor_shows_live_counts_on_its_graph()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/#/journeys/_new/editor");
        await page.FillAsync("#yaml-editor", WelcomeJourney);
        await page.ClickAsync("#publish-button");
        await page.WaitForURLAsync(new Regex("#/journeys/dash-welcome/graph$"));

        var published = await Host.User.GetFromJsonAsync<JsonObject>("/api/journeys/dash-welcome");
        published!["versions"]!.AsArray().Should().HaveCount(1);

        string[] customers = ["dw-1", "dw-2", "dw-3"];
        await Host.PostEventsAsync([.. customers.Select(c => Events.Registered(c))]);
        await Host.PostEventsAsync([.. customers.Select(Events.AppOpened)]);

        var waiting = page.Locator("svg.journey-graph g.node[data-step='wait-2d']");
        await Expect(waiting).ToHaveAttributeAsync("data-count", "3", new() { Timeout = (float)LiveCountWait.TotalMilliseconds });
        await Expect(waiting.Locator(".count-badge text")).ToHaveTextAsync("3");
        await Expect(page.Locator("svg.journey-graph g.node[data-step='hello']")).ToHaveAttributeAsync("data-count", "0");
        await Expect(page.Locator(".where-list li[data-step='wait-2d']")).ToContainTextAsync("3");
        await Expect(page.Locator("[data-stat='active'] .stat-value")).ToHaveTextAsync("3");

        // Selecting a step shows what it does and how many customers wait there.
        await waiting.ClickAsync();
        await Expect(page.Locator(".side-panel")).ToContainTextAsync("wait 2d");
        await DashboardFixture.ScreenshotAsync(page, "journey-graph");

        // The funnel goes entered → each step in the journey's order → converted: all three reached the send and the
        // wait, nobody the end yet — they are still waiting, which is no drop-off.
        await page.GotoAsync("/#/funnels/dash-welcome");
        var funnel = page.Locator("#funnel-card .funnel-block");
        await Expect(funnel).ToHaveCountAsync(1);
        await Expect(funnel.Locator(".funnel-row")).ToHaveCountAsync(5);
        await Expect(funnel.Locator(".funnel-row[data-stage='entered'] .funnel-value")).ToContainTextAsync("3");
        await Expect(funnel.Locator(".funnel-row[data-stage='step:hello'] .funnel-value")).ToHaveTextAsync(new Regex("^3 "));
        await Expect(funnel.Locator(".funnel-row[data-stage='step:wait-2d'] .funnel-value")).ToHaveTextAsync(new Regex("^3 "));
        await Expect(funnel.Locator(".funnel-row[data-stage='step:done'] .funnel-value")).ToHaveTextAsync(new Regex("^0 "));
        await Expect(funnel.Locator(".funnel-row[data-stage='step:done'] .funnel-waiting")).ToHaveTextAsync("3 still on their way");
        await Expect(funnel.Locator(".funnel-row[data-stage='converted'] .funnel-waiting")).ToHaveTextAsync("3 still on their way");
        await Expect(funnel.Locator(".funnel-drop")).ToHaveCountAsync(0);
        (await funnel.Locator(".funnel-row .funnel-label").AllTextContentsAsync()).Should().Equal("Entered", "hello", "wait-2d", "done", "Converted");
        await DashboardFixture.ScreenshotAsync(page, "funnel-steps");

        // And the graph still counts them where they wait.
        await page.GotoAsync("/#/journeys/dash-welcome");
        await Expect(page.Locator("svg.journey-graph g.node[data-step='wait-2d']")).ToHaveAttributeAsync("data-count", "3", new() { Timeout = (float)LiveCountWait.TotalMilliseconds });
        await Expect(page.Locator("[data-stat='active'] .stat-value")).ToHaveTextAsync("3");

        // The built-in onboarding journey counts the same registrations at its first wait.
        await page.GotoAsync("/#/journeys/onboarding");
        await Expect(page.Locator("svg.journey-graph g.node[data-step='wait-1d']")).ToHaveAttributeAsync("data-count", new Regex("^([3-9]|\\d{2,})$"), new() { Timeout = (float)LiveCountWait.TotalMilliseconds });
        await DashboardFixture.ScreenshotAsync(page, "onboarding-graph");
        await page.SetViewportSizeAsync(1440, 900);
        await Expect(page.Locator("svg.journey-graph g.node[data-step='first-order-coupon']")).ToBeVisibleAsync();
        await DashboardFixture.ScreenshotAsync(page, "onboarding-graph-1440");
        NoScriptErrors(page);
    }

    [Fact]
    public async Task A_publish_error_is_shown_at_its_line_in_the_editor()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/#/journeys/_new/editor");
        await page.FillAsync("#yaml-editor", BrokenJourney);
        await page.ClickAsync("#publish-button");

        await Expect(page.Locator(".editor-status")).ToContainTextAsync("Not published");
        await Expect(page.Locator(".gutter .ln[data-line='14']")).ToHaveClassAsync(new Regex("\\berror\\b"));
        await Expect(page.Locator(".backdrop .bl[data-line='14'] .lens")).ToContainTextAsync("'nowhere'");
        await Expect(page.Locator("#editor-problems-list li[data-line='14']")).ToContainTextAsync("Line 14, col 11");
        await Expect(page.Locator("#yaml-editor")).ToHaveAttributeAsync("aria-invalid", "true");
        (await page.Locator(".gutter .ln.error").CountAsync()).Should().Be(1, "only line 14 has an error");

        // The caret is put on the error.
        var caretLine = await page.EvaluateAsync<int>("() => { const t = document.querySelector('#yaml-editor'); return t.value.slice(0, t.selectionStart).split('\\n').length; }");
        caretLine.Should().Be(14);
        await DashboardFixture.ScreenshotAsync(page, "editor-error");

        (await Host.User.GetAsync("/api/journeys/dash-broken")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // Validate gives the same answer without publishing; fixing the line clears the marker.
        await page.FillAsync("#yaml-editor", BrokenJourney.Replace("next: nowhere", "next: done", StringComparison.Ordinal));
        await page.ClickAsync("#validate-button");
        await Expect(page.Locator(".editor-status")).ToContainTextAsync("Valid");
        await Expect(page.Locator(".gutter .ln.error")).ToHaveCountAsync(0);
        await Expect(page.Locator(".preview svg.journey-graph")).ToBeVisibleAsync();
        NoScriptErrors(page);
    }

    [Fact]
    public async Task The_customer_page_shows_her_timeline_with_the_rendered_message_and_explains_a_step()
    {
        await Host.PostEventsAsync(Events.Registered("dc-1", "王小满"));
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/#/customers");
        await page.GetByLabel("Customer ID").FillAsync("dc-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        await Expect(page.Locator(".customer-id h2")).ToHaveTextAsync("王小满");
        var bubble = page.Locator("#customer-timeline .bubble-text").First;
        await Expect(bubble).ToContainTextAsync("王小满，欢迎加入小满生活会员");
        await Expect(page.Locator("#customer-timeline li[data-kind='event']")).ToContainTextAsync("customer.registered");
        await Expect(page.Locator("#customer-timeline li[data-kind='waiting']")).ToContainTextAsync("wait-1d");
        await Expect(page.Locator("#instances-card tr[data-instance]")).ToContainTextAsync("onboarding");

        await page.SelectOptionAsync("#explain-journey", "onboarding");
        await page.FillAsync("#explain-step", "tips");
        if (await Host.HasEndpointAsync("get", "/api/customers/{customerId}/explain"))
        {
            await page.ClickAsync("#explain-button");
            await Expect(page.Locator("#explain-card .explanation-summary")).ToContainTextAsync("wait-1d");
        }
        else
        {
            await Expect(page.Locator("#explain-card .not-available")).ToBeVisibleAsync();
            await Expect(page.Locator("#explain-button")).ToBeDisabledAsync();
        }

        await DashboardFixture.ScreenshotAsync(page, "customer");
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.ScreenshotFolder, "customer-full.png"), FullPage = true });
        NoScriptErrors(page);
    }

    [Fact]
    public async Task Cancelling_an_instance_asks_first_and_ends_it()
    {
        await Host.PostEventsAsync(Events.Registered("dx-1"));
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/#/customers/dx-1");
        var row = page.Locator("#instances-card tr[data-instance]").Filter(new() { HasText = "onboarding" });
        await Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "active");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Retry the failed step of onboarding" })).ToBeDisabledAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Cancel the onboarding journey for this customer" }).ClickAsync();
        await Expect(page.Locator("#confirm-dialog")).ToBeVisibleAsync();
        await page.ClickAsync("#confirm-ok");
        await Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "cancelled");
        NoScriptErrors(page);
    }

    [Fact]
    public async Task Erasing_a_customer_needs_her_id_typed_and_removes_everything()
    {
        await Host.PostEventsAsync(Events.Registered("de-1"));
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/#/customers/de-1");
        await Expect(page.Locator(".customer-id h2")).ToBeVisibleAsync();

        if (!await Host.HasEndpointAsync("delete", "/api/customers/{customerId}"))
        {
            await Expect(page.Locator("#erase-button")).ToBeVisibleAsync();
            return;
        }

        await page.ClickAsync("#erase-button");
        await Expect(page.Locator("#confirm-dialog")).ToBeVisibleAsync();
        await Expect(page.Locator("#confirm-ok")).ToBeDisabledAsync();
        await page.GetByLabel("Type de-1 to confirm").FillAsync("de-1");
        await Expect(page.Locator("#confirm-ok")).ToBeEnabledAsync();
        await DashboardFixture.ScreenshotAsync(page, "erase-confirm");
        await page.ClickAsync("#confirm-ok");

        await Expect(page.Locator(".erased")).ToContainTextAsync("de-1 was erased");
        (await Host.User.GetAsync("/api/customers/de-1")).StatusCode.Should().BeOneOf(HttpStatusCode.NotFound, HttpStatusCode.Gone);
        using var messages = await Host.User.GetAsync("/api/customers/de-1/messages");
        if (messages.IsSuccessStatusCode) (await messages.Content.ReadFromJsonAsync<JsonArray>())!.Should().BeEmpty("erasing removes the sandbox messages too");
        else messages.StatusCode.Should().BeOneOf(HttpStatusCode.NotFound, HttpStatusCode.Gone);
        NoScriptErrors(page);
    }

    [Fact]
    public async Task Two_versions_are_shown_side_by_side_with_the_changed_lines()
    {
        var v1 = WelcomeJourney.Replace("dash-welcome", "dash-versions", StringComparison.Ordinal);
        var v2 = v1.Replace("wait: 2d", "wait: 3d", StringComparison.Ordinal).Replace("id: wait-2d", "id: wait-3d", StringComparison.Ordinal);
        foreach (var yaml in new[] { v1, v2 })
        {
            using var response = await Host.User.PostAsJsonAsync("/api/journeys", new { yaml });
            response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/#/journeys/dash-versions/versions");
        await Expect(page.Locator("#diff-left")).ToHaveValueAsync("1");
        await Expect(page.Locator("#diff-right")).ToHaveValueAsync("2");
        await Expect(page.Locator(".diff-summary")).ToHaveTextAsync("+2 −2");
        await Expect(page.Locator("table.diff tr.diff-change td.removed").First).ToHaveTextAsync(new Regex("id: wait-2d"));
        await Expect(page.Locator("table.diff tr.diff-change td.added").Last).ToHaveTextAsync(new Regex("wait: 3d"));
        await DashboardFixture.ScreenshotAsync(page, "versions");
        NoScriptErrors(page);
    }

    [Fact]
    public async Task Simulating_a_customer_shows_her_timeline_on_a_virtual_clock()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/#/journeys/onboarding/simulate");
        await Expect(page.Locator("#sim-example")).ToHaveValueAsync("onboarding");
        await Expect(page.Locator("#sim-profile")).ToHaveValueAsync(new Regex("cust-10001"));
        await page.ClickAsync("#sim-run");

        var timeline = page.Locator(".sim-result .timeline");
        await Expect(timeline.Locator("li[data-kind='goal_reached']")).ToBeVisibleAsync();
        await Expect(timeline.Locator(".bubble-text").First).ToContainTextAsync("林晓，欢迎加入小满生活会员");
        await Expect(timeline.Locator("li[data-kind='sent']")).ToHaveCountAsync(3);
        await Expect(page.Locator(".sim-summary [data-status='converted']")).ToBeVisibleAsync();
        await DashboardFixture.ScreenshotAsync(page, "simulate");
        NoScriptErrors(page);
    }

    [Fact]
    public async Task Operations_shows_engine_status_throughput_timers_and_poison()
    {
        await Host.PostEventsAsync(Events.Registered("do-1"));
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/#/operations");
        await Expect(page.Locator("[data-stat='ready'] .stat-value")).ToHaveTextAsync("Ready");
        await Expect(page.Locator("#timers-card tbody tr").First).ToContainTextAsync("tomorrow");
        await Expect(page.Locator("[data-stat='error-rate'] .stat-value")).ToHaveTextAsync("0%");
        await Expect(page.Locator("#throughput-card svg.line-chart")).ToBeVisibleAsync();
        await Expect(page.Locator("#poison-card")).ToContainTextAsync("No poison inputs");
        await Expect(page.Locator("#deadletters-card")).ToHaveCountAsync(0); // Service Bus dead letters are Azure's; the local host has no such route
        await DashboardFixture.ScreenshotAsync(page, "operations");
        NoScriptErrors(page);
    }

    [Fact]
    public async Task Operations_lists_dead_letters_with_their_reason_and_requeues_one_where_the_API_has_them()
    {
        var page = await fixture.NewPageAsync();
        await page.RouteAsync("**/openapi/v1.json", async route =>
        {
            var response = await route.FetchAsync();
            var doc = JsonNode.Parse(await response.TextAsync())!.AsObject();
            doc["paths"]!.AsObject()["/api/deadletters"] = new JsonObject { ["get"] = new JsonObject() };
            await route.FulfillAsync(new() { Response = response, Body = doc.ToJsonString() });
        });
        await Json(page, "**/api/deadletters?*", new JsonArray(new JsonObject
        {
            ["sequenceNumber"] = 7, ["eventId"] = "evt-7", ["customerId"] = "dl-1", ["reason"] = "MaxDeliveryCountExceeded",
            ["description"] = "Message could not be consumed after 10 delivery attempts.", ["enqueuedAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"),
            ["deliveryCount"] = 10, ["contentType"] = "application/cloudevents+json", ["body"] = "{\"id\":\"evt-7\"}",
        }));
        var requeued = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/deadletters/*/requeue", route =>
        {
            requeued.TrySetResult($"{route.Request.Method} {new Uri(route.Request.Url).AbsolutePath}");
            return route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = "{\"sequenceNumber\":7,\"messageId\":\"requeue-7-evt-7\"}" });
        });

        await page.GotoAsync("/#/operations");
        var row = page.Locator("#deadletters-card tr[data-sequence='7']");
        await Expect(row).ToContainTextAsync("MaxDeliveryCountExceeded");
        await Expect(row).ToContainTextAsync("evt-7");
        await Expect(row.Locator("a[href='#/customers/dl-1']")).ToBeVisibleAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Requeue dead letter 7" }).ClickAsync();
        (await requeued.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be("POST /api/deadletters/7/requeue");
        NoScriptErrors(page);
    }

    [Fact]
    public async Task An_error_rate_of_nothing_processed_is_a_dash_not_0_percent()
    {
        var page = await fixture.NewPageAsync();
        var now = DateTimeOffset.UtcNow;
        var buckets = new JsonArray([.. Enumerable.Range(0, 90).Select(i => (JsonNode)new JsonObject
        {
            ["at"] = now.AddSeconds((i - 89) * 10).ToString("O"),
            ["processed"] = 0, ["parked"] = 0, ["events"] = 0, ["timers"] = 0, ["accepted"] = 0, ["sends"] = 0, ["sendFailures"] = 0,
        })]);
        await Json(page, "**/api/dashboard/throughput", new JsonObject
        {
            ["now"] = now.ToString("O"), ["bucketSeconds"] = 10, ["since"] = now.AddMinutes(-20).ToString("O"), ["buckets"] = buckets,
            ["processedPerSecond"] = 0, ["errorRate"] = 0, ["processedTotal"] = 0, ["parkedTotal"] = 0, ["sendsTotal"] = 0, ["sendFailuresTotal"] = 0,
        });

        await page.GotoAsync("/#/operations");
        await Expect(page.Locator("[data-stat='error-rate'] .stat-value")).ToHaveTextAsync("—");
        NoScriptErrors(page);
    }

    [Fact]
    public async Task Funnels_and_KPIs_show_what_the_host_has()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/#/funnels/onboarding");
        await Expect(page.Locator("#funnel-journey")).ToHaveValueAsync("onboarding");
        await Expect(page.Locator("#live-card")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-stat='entered'] .stat-value")).ToBeVisibleAsync();
        await DashboardFixture.ScreenshotAsync(page, "funnels");

        await page.GotoAsync("/#/kpis");
        await Expect(page.Locator("[data-stat='activityRate'] .stat-value")).ToBeVisibleAsync();
        await DashboardFixture.ScreenshotAsync(page, "kpis");
        NoScriptErrors(page);
    }

    /// <summary>
    /// Statistics, KPIs, explanations, segments and export come from endpoints other parts of the host add; this
    /// answers them in the browser with the shapes the dashboard expects (<see cref="Contract"/>), so the
    /// pages are checked against that contract whether or not the host serves them yet.
    /// </summary>
    [Fact]
    public async Task Statistics_KPIs_explanations_segments_and_export_render_in_the_documented_shapes()
    {
        await Host.PostEventsAsync(Events.Registered("dm-1", "周小雨"));
        var onboarding = (await Host.User.GetFromJsonAsync<JsonObject>("/api/journeys/onboarding"))!["versions"]![0]!["version"]!.GetValue<string>();
        var page = await fixture.NewPageAsync();
        await page.RouteAsync("**/openapi/v1.json", async route =>
        {
            var response = await route.FetchAsync();
            var doc = JsonNode.Parse(await response.TextAsync())!.AsObject();
            var paths = doc["paths"]!.AsObject();
            foreach (var path in new[] { "/api/journeys/{name}/stats", "/api/kpis", "/api/customers/{customerId}/explain", "/api/customers/{customerId}/segments", "/api/customers/{customerId}/export" })
            {
                paths[path] = new JsonObject { ["get"] = new JsonObject() };
            }

            await route.FulfillAsync(new() { Response = response, Body = doc.ToJsonString() });
        });
        await Json(page, "**/api/journeys/onboarding/stats", Contract.Stats(onboarding));
        await Json(page, "**/api/kpis", Contract.Kpis());
        await Json(page, "**/api/customers/dm-1/explain?*", Contract.Explanation());
        await Json(page, "**/api/customers/dm-1/segments", Contract.Segments());
        await Json(page, "**/api/customers/dm-1/export", new JsonObject { ["customerId"] = "dm-1", ["profile"] = new JsonObject { ["name"] = "周小雨" } });

        await page.GotoAsync("/#/funnels/onboarding");
        await Expect(page.Locator("[data-stat='entered'] .stat-value")).ToHaveTextAsync("150");
        await Expect(page.Locator("[data-stat='converted'] .stat-value")).ToHaveTextAsync("50");
        await Expect(page.Locator("[data-stat='uplift'] .stat-value")).ToHaveTextAsync("+12 pp");
        await Expect(page.Locator("#funnel-card .funnel-block")).ToHaveCountAsync(2);
        await Expect(page.Locator("#funnel-card .funnel-block").First).ToContainTextAsync("first-order-coupon");
        await Expect(page.Locator(".bars .bar-row")).ToHaveCountAsync(5);
        await Expect(page.Locator("svg.line-chart")).ToBeVisibleAsync();
        await DashboardFixture.ScreenshotAsync(page, "funnels-stats");

        await page.GotoAsync("/#/kpis");
        await Expect(page.Locator("[data-stat='activityRate'] .stat-value")).ToHaveTextAsync("42%");
        await Expect(page.Locator("[data-stat='retention30d'] .stat-value")).ToHaveTextAsync("31%");
        await Expect(page.Locator("[data-stat='clv'] .stat-value")).ToContainTextAsync("236.4");
        await Expect(page.GetByText("ROI by journey")).ToBeVisibleAsync();
        await DashboardFixture.ScreenshotAsync(page, "kpis-data");

        await page.GotoAsync("/#/customers/dm-1");
        await Expect(page.Locator("#segments-card")).ToContainTextAsync("never-ordered");
        await page.SelectOptionAsync("#explain-journey", "onboarding");
        await page.FillAsync("#explain-step", "tips");
        await page.ClickAsync("#explain-button");
        await Expect(page.Locator("#explain-card .explanation")).ToHaveAttributeAsync("data-status", "waiting");
        await Expect(page.Locator("#explain-card .explanation-summary")).ToContainTextAsync("'tips' has not been reached yet");
        await page.ClickAsync("#export-button");
        await Expect(page.Locator("#confirm-dialog")).ToContainTextAsync("Export everything about dm-1?");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#confirm-ok"));
        download.SuggestedFilename.Should().Be("customer-dm-1.json");
        await DashboardFixture.ScreenshotAsync(page, "customer-explained");
        NoScriptErrors(page);
    }

    [Fact]
    public async Task The_dashboard_speaks_the_browser_language_and_switches()
    {
        var page = await fixture.NewPageAsync(locale: "zh-CN");
        await page.GotoAsync("/#/journeys");
        await Expect(page.Locator(".sidebar a[data-route='journeys']")).ToHaveTextAsync("旅程");
        await Expect(page.Locator("h1")).ToHaveTextAsync("旅程");
        await Expect(page.Locator("tr[data-journey='onboarding']")).ToContainTextAsync("运行中");
        (await page.GetAttributeAsync("html", "lang")).Should().Be("zh-CN");
        await DashboardFixture.ScreenshotAsync(page, "journeys-zh");

        await page.ClickAsync("#lang-button");
        await Expect(page.Locator(".sidebar a[data-route='journeys']")).ToHaveTextAsync("Journeys");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Journeys");
        (await page.GetAttributeAsync("html", "lang")).Should().Be("en");
        NoScriptErrors(page);
    }

    [Theory]
    [InlineData("#/journeys")]
    [InlineData("#/journeys/onboarding")]
    [InlineData("#/journeys/onboarding/versions")]
    [InlineData("#/journeys/onboarding/editor")]
    [InlineData("#/journeys/onboarding/simulate")]
    [InlineData("#/funnels")]
    [InlineData("#/kpis")]
    [InlineData("#/customers/dw-1")]
    [InlineData("#/operations")]
    public async Task Every_control_has_an_accessible_name_and_the_page_fits_a_laptop_screen(string route)
    {
        await Host.PostEventsAsync(Events.Registered("dw-1"));
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/" + route);
        await page.WaitForSelectorAsync("main .page .card, main .page .stat");
        await page.WaitForFunctionAsync("() => !document.querySelector('main .loading')", null, new() { Timeout = 15_000 });

        var unnamed = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input, select, textarea, button, [role=button], a[href]')]
              .filter(el => el.offsetParent !== null || el.closest('svg'))
              .filter(el => {
                const name = (el.getAttribute('aria-label') || '').trim()
                  || (el.getAttribute('aria-labelledby') ? 'x' : '')
                  || (el.labels && el.labels.length ? 'x' : '')
                  || (['BUTTON', 'A'].includes(el.tagName) ? el.textContent.trim() : '')
                  || (el.getAttribute('title') || '').trim();
                return !name;
              })
              .map(el => el.outerHTML.slice(0, 120))
            """);
        unnamed.Should().BeEmpty();

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        overflow.Should().BeLessThanOrEqualTo(0, "nothing should scroll sideways on a 1366×768 screen");

        // Marketers read this page: no endpoint names, no "not available yet" placeholders.
        var text = await page.InnerTextAsync("main");
        text.Should().NotMatchRegex(DeveloperPlaceholder);
        NoScriptErrors(page);
    }

    private void NoScriptErrors(IPage page) => fixture.PageErrors[page].Should().BeEmpty();

    private static Task Json(IPage page, string glob, JsonNode body) =>
        page.RouteAsync(glob, route => route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = body.ToJsonString() }));
}
