using System.Net;
using System.Text.Json.Nodes;

namespace PrivateFlows.Runtime.Tests.Insights;

/// <summary>
/// <c>PrivateFlows:ContactPolicy</c> reaches every decision: caps shared across journeys (higher priority first),
/// quiet hours in the customer's zone, refused at start-up when wrong; <c>explain</c> says why a step did not send.
/// </summary>
public sealed class ContactPolicyApiTests
{
    /// <summary>On app.opened, one marketing push; the instance lingers a day (a deferred send is dropped once its instance ends).</summary>
    private static string Journey(string name, int priority, string onLimit = "drop") => $$"""
        journey: {{name}}
        priority: {{priority}}
        entry:
          event: app.opened
          reentry: always
        steps:
          - id: push
            send: { channel: app_push, template: {{name}}-push, category: marketing, on_limit: {{onLimit}} }
          - id: linger
            wait: 1d
          - id: done
            end: completed
        """;

    [Fact]
    public async Task A_configured_cap_is_shared_by_journeys_higher_priority_first_and_explain_names_it()
    {
        using var api = new InsightsApi(new Dictionary<string, string?>
        {
            ["PrivateFlows:ContactPolicy:QuietStart"] = "off",
            ["PrivateFlows:ContactPolicy:QuietEnd"] = "off",
            ["PrivateFlows:ContactPolicy:Caps:0:Channel"] = "*",
            ["PrivateFlows:ContactPolicy:Caps:0:Category"] = "marketing",
            ["PrivateFlows:ContactPolicy:Caps:0:Max"] = "2",
            ["PrivateFlows:ContactPolicy:Caps:0:Window"] = "1d",
        }, builtInJourneys: false);
        await api.PublishAsync(Journey("promo-high", 90), "promo-high-push");
        await api.PublishAsync(Journey("promo-mid", 80), "promo-mid-push");
        await api.PublishAsync(Journey("promo-low", 70), "promo-low-push");
        var t0 = api.Now;
        await api.SendAsync(Ce.Registered("mei", t0));
        await api.SendAsync(Ce.AppOpened("mei", "open-1", t0));

        // The seed policy allows 1 marketing message a day; the configured one 2, across the three journeys.
        var messages = await api.GetArrayAsync(api.Ops, "/api/customers/mei/messages");
        messages.Select(m => m!["journey"]!.GetValue<string>()).Should().BeEquivalentTo(["promo-high", "promo-mid"]);
        var history = await api.HistoryAsync("mei");
        var suppressed = history.Single(h => h["kind"]!.GetValue<string>() == "suppressed");
        suppressed["journey"]!.GetValue<string>().Should().Be("promo-low");
        suppressed["detail"]!.GetValue<string>().Should().Contain("frequency cap 2 marketing per 1d on all channels reached");

        var why = await api.GetAsync(api.Ops, "/api/customers/mei/explain?journey=promo-low&step=push");
        why["status"]!.GetValue<string>().Should().Be("suppressed");
        why["summary"]!.GetValue<string>().Should().Contain("frequency cap 2");
        why["instanceId"]!.GetValue<string>().Should().StartWith("promo-low-");
        why["at"]!.GetValue<DateTimeOffset>().Should().Be(t0);
        var evidence = why["evidence"]!.AsArray().Select(e => e!.AsObject()).ToList();
        evidence.Select(e => e["kind"]!.GetValue<string>()).Should().Contain(["entered", "suppressed"]);
        evidence.Single(e => e["kind"]!.GetValue<string>() == "suppressed").Should().ContainKeys("time", "kind", "step", "detail");
        (await api.GetAsync(api.Ops, "/api/customers/mei/explain?journey=promo-high&step=push"))["status"]!.GetValue<string>().Should().Be("sent");

        // A day later the window has moved on: two more go out, the lowest priority is capped again.
        await api.AdvanceToAsync(t0.AddDays(1).AddMinutes(1));
        await api.SendAsync(Ce.AppOpened("mei", "open-2", api.Now));
        (await api.GetArrayAsync(api.Ops, "/api/customers/mei/messages")).Count.Should().Be(4);
        (await api.HistoryAsync("mei")).Count(h => h["kind"]!.GetValue<string>() == "suppressed").Should().Be(2);
    }

    [Fact]
    public async Task Configured_quiet_hours_in_the_customers_zone_defer_a_marketing_send_to_their_end()
    {
        using var api = new InsightsApi(new Dictionary<string, string?>
        {
            ["PrivateFlows:ContactPolicy:QuietStart"] = "08:00", // it is 10:00 in Shanghai
            ["PrivateFlows:ContactPolicy:QuietEnd"] = "20:00",
            ["PrivateFlows:ContactPolicy:NoCaps"] = "true",
            ["PrivateFlows:ContactPolicy:MaxDeferral"] = "1d",
        }, builtInJourneys: false);
        await api.PublishAsync(Journey("night-owl", 50, onLimit: "defer"), "night-owl-push");
        var t0 = api.Now;
        await api.SendAsync(Ce.Registered("ye", t0));
        await api.SendAsync(Ce.AppOpened("ye", "open-1", t0));

        (await api.GetArrayAsync(api.Ops, "/api/customers/ye/messages")).Should().BeEmpty();
        var why = await api.GetAsync(api.Ops, "/api/customers/ye/explain?journey=night-owl&step=push");
        why["status"]!.GetValue<string>().Should().Be("deferred");
        why["summary"]!.GetValue<string>().Should().Contain("quiet hours 08:00–20:00 in Asia/Shanghai").And.Contain("2025-03-03T12:00:00Z");

        await api.AdvanceToAsync(new DateTimeOffset(2025, 3, 3, 12, 1, 0, TimeSpan.Zero));
        var sent = (await api.GetArrayAsync(api.Ops, "/api/customers/ye/messages")).Should().ContainSingle().Subject!;
        sent["at"]!.GetValue<DateTimeOffset>().Should().Be(new DateTimeOffset(2025, 3, 3, 12, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void A_policy_that_makes_no_sense_stops_the_host_at_start_up_naming_each_problem()
    {
        using var api = new InsightsApi(new Dictionary<string, string?>
        {
            ["PrivateFlows:ContactPolicy:QuietStart"] = "25:00",
            ["PrivateFlows:ContactPolicy:QuietEnd"] = "09:00",
            ["PrivateFlows:ContactPolicy:Caps:0:Channel"] = "fax",
            ["PrivateFlows:ContactPolicy:Caps:0:Max"] = "0",
            ["PrivateFlows:ContactPolicy:Caps:0:Window"] = "soon",
        }, builtInJourneys: false);

        var start = () => api.CreateClient();

        var error = start.Should().Throw<Exception>().Which.ToString();
        error.Should().Contain("QuietStart '25:00'").And.Contain("unknown channel 'fax'").And.Contain("Max must be at least 1").And.Contain("Window 'soon'");
    }

    [Fact]
    public async Task Explain_answers_from_history_for_ops_only()
    {
        using var api = new InsightsApi();
        var t0 = api.Now;
        await api.SendAsync(Ce.Registered("lin", t0));

        (await api.Marketer.GetAsync("/api/customers/lin/explain?journey=onboarding")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await api.Producer.GetAsync("/api/customers/lin/explain?journey=onboarding")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await api.Ops.GetAsync("/api/customers/lin/explain")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.Ops.GetAsync("/api/customers/nobody/explain?journey=onboarding")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.Ops.GetAsync("/api/customers/lin/explain?journey=no-such-journey")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var waiting = await api.GetAsync(api.Ops, "/api/customers/lin/explain?journey=onboarding&step=tips");
        waiting["status"]!.GetValue<string>().Should().Be("waiting");
        waiting["summary"]!.GetValue<string>().Should().Contain("wait-1d").And.Contain("'tips' has not been reached yet");

        (await api.GetAsync(api.Ops, "/api/customers/lin/explain?journey=onboarding&step=welcome"))["status"]!.GetValue<string>().Should().Be("sent");
        (await api.GetAsync(api.Ops, "/api/customers/lin/explain?journey=birthday-care"))["status"]!.GetValue<string>().Should().BeOneOf("never_triggered", "not_entered");

        // Registering again does not start a second onboarding: explain says so.
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        await api.SendAsync(Ce.Event("customer.registered", "lin", "reg-lin-again", api.Now, new JsonObject { ["name"] = "林晓" }));
        var again = await api.GetAsync(api.Ops, "/api/customers/lin/explain?journey=onboarding");
        again["status"]!.GetValue<string>().Should().Be("not_entered");
        again["summary"]!.GetValue<string>().Should().Contain("already in this journey");
    }
}
