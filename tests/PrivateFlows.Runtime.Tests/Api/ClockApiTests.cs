using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using PrivateFlows.Host.Hosting;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Api;

/// <summary>Virtual clock mode: <c>GET /api/clock</c>, <c>POST /api/clock/advance</c>, events stamped with the virtual now, refusals.</summary>
public sealed class ClockApiTests : IDisposable
{
    /// <summary>Monday 2 March 2026, 10:00 in Shanghai.</summary>
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private readonly VirtualClockHost _host = new(Start, withKeys: true);
    private readonly HttpClient _ops;
    private readonly HttpClient _producer;

    public ClockApiTests()
    {
        _ops = _host.Client(ApiFactory.OpsKey);
        _producer = _host.Client(ApiFactory.ProducerKey);
    }

    public void Dispose()
    {
        _ops.Dispose();
        _producer.Dispose();
        _host.Dispose();
    }

    private Task<HttpResponseMessage> AdvanceAsync(object body, HttpClient? client = null) => (client ?? _ops).PostAsJsonAsync("/api/clock/advance", body);

    private async Task<JsonObject> ClockAsync() => (await _ops.GetFromJsonAsync<JsonObject>("/api/clock"))!;

    [Fact]
    public async Task The_clock_starts_at_the_configured_instant_and_stands_still()
    {
        var clock = await ClockAsync();
        clock["mode"]!.GetValue<string>().Should().Be("virtual");
        clock["now"]!.GetValue<DateTimeOffset>().Should().Be(Start);
        await Task.Delay(50);
        (await ClockAsync())["now"]!.GetValue<DateTimeOffset>().Should().Be(Start);
    }

    [Fact]
    public async Task Advancing_fires_the_timers_on_the_way_in_order_and_answers_when_their_work_is_committed()
    {
        (await _producer.PostAsync("/api/events", CloudEvents.Json(Registered("lin")))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await _host.IdleAsync();
        (await ClockAsync())["nextTimer"]!.GetValue<DateTimeOffset>().Should().Be(Start + TimeSpan.FromDays(1), "onboarding waits a day");

        using var response = await AdvanceAsync(new { by = "P3D" });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        answer["now"]!.GetValue<DateTimeOffset>().Should().Be(Start + TimeSpan.FromDays(3));
        answer["timersFired"]!.GetValue<int>().Should().Be(2, "day 1 (coupon) and day 3 (tips)");

        // Everything the timers caused is committed by the time the advance answers: no waiting here.
        var messages = (await _ops.GetFromJsonAsync<JsonArray>("/api/customers/lin/messages"))!;
        messages.Select(m => m!["template"]!.GetValue<string>()).Should().Equal("onboarding-welcome", "onboarding-coupon"); // no marketing email consent: tips suppressed
        messages[1]!["at"]!.GetValue<DateTimeOffset>().Should().Be(Start + TimeSpan.FromDays(1), "a timer fires at its due time, not at the target");
        var history = (await _ops.GetFromJsonAsync<JsonObject>("/api/customers/lin/history"))!["entries"]!.AsArray();
        history.Select(h => h!["time"]!.GetValue<DateTimeOffset>()).Should().BeInAscendingOrder();
        history.Should().Contain(h => h!["kind"]!.GetValue<string>() == "waited" && h["time"]!.GetValue<DateTimeOffset>() == Start + TimeSpan.FromDays(3));
        history.Should().Contain(h => h!["kind"]!.GetValue<string>() == "suppressed" && h["time"]!.GetValue<DateTimeOffset>() == Start + TimeSpan.FromDays(3));
    }

    [Fact]
    public async Task Short_durations_and_absolute_targets_are_accepted()
    {
        (await (await AdvanceAsync(new { by = "3d" })).Content.ReadFromJsonAsync<JsonObject>())!["now"]!.GetValue<DateTimeOffset>().Should().Be(Start + TimeSpan.FromDays(3));
        (await (await AdvanceAsync(new { by = "PT1H30M" })).Content.ReadFromJsonAsync<JsonObject>())!["now"]!.GetValue<DateTimeOffset>().Should().Be(Start + TimeSpan.FromDays(3) + TimeSpan.FromMinutes(90));
        var to = new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.FromHours(8));
        (await (await AdvanceAsync(new { to = "2026-04-01T09:00:00+08:00" })).Content.ReadFromJsonAsync<JsonObject>())!["now"]!.GetValue<DateTimeOffset>().Should().Be(to);
        (await ClockAsync())["now"]!.GetValue<DateTimeOffset>().Should().Be(to);
    }

    [Fact]
    public async Task Advancing_by_zero_moves_nothing_and_answers_once_posted_events_are_processed()
    {
        (await _producer.PostAsync("/api/events", CloudEvents.Json(Registered("lin")))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var answer = (await (await AdvanceAsync(new { by = "0s" })).Content.ReadFromJsonAsync<JsonObject>())!;
        answer["now"]!.GetValue<DateTimeOffset>().Should().Be(Start);
        answer["timersFired"]!.GetValue<int>().Should().Be(0);
        (await _ops.GetFromJsonAsync<JsonArray>("/api/customers/lin/messages"))!.Should().ContainSingle("the welcome was sent before the advance answered");
        (await AdvanceAsync(new { by = "PT0S" })).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"by":"soon"}""", "by")]
    [InlineData("""{"to":"tomorrow"}""", "to")]
    [InlineData("""{"by":"1d","to":"2026-04-01T00:00:00Z"}""", "$")]
    [InlineData("""{}""", "$")]
    [InlineData("""[1]""", "$")]
    [InlineData("""{"by":""", "$")]
    public async Task A_bad_request_is_a_400_naming_the_field(string body, string field)
    {
        using var response = await _ops.PostAsync("/api/clock/advance", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>().Should().Be(field);
        (await ClockAsync())["now"]!.GetValue<DateTimeOffset>().Should().Be(Start);
    }

    [Fact]
    public async Task The_clock_never_goes_back()
    {
        await AdvanceAsync(new { by = "1d" });
        using var response = await AdvanceAsync(new { to = "2026-03-02T00:00:00Z" });
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["detail"]!.GetValue<string>().Should().Contain("moves forward only");
        (await ClockAsync())["now"]!.GetValue<DateTimeOffset>().Should().Be(Start + TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task An_event_without_a_time_is_stamped_with_the_virtual_now()
    {
        await AdvanceAsync(new { by = "2d" });
        var registered = Registered("mei");
        registered.Remove("time");
        (await _producer.PostAsync("/api/events", CloudEvents.Json(registered))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await _host.IdleAsync();

        var events = (await _ops.GetFromJsonAsync<JsonArray>("/api/customers/mei/events"))!;
        events.Single()!["event"]!["time"]!.GetValue<DateTimeOffset>().Should().Be(Start + TimeSpan.FromDays(2));
        events.Single()!["receivedAt"]!.GetValue<DateTimeOffset>().Should().Be(Start + TimeSpan.FromDays(2), "the inbox stamps with the same clock");
        var customer = (await _ops.GetFromJsonAsync<JsonObject>("/api/customers/mei"))!;
        customer["profile"]!["registeredAt"]!.GetValue<DateTimeOffset>().Should().Be(Start + TimeSpan.FromDays(2));
    }

    [Fact]
    public async Task Only_ops_may_read_or_move_the_clock()
    {
        (await _producer.GetAsync("/api/clock")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await AdvanceAsync(new { by = "1d" }, _producer)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var anonymous = _host.Client();
        (await anonymous.GetAsync("/api/clock")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await ClockAsync())["now"]!.GetValue<DateTimeOffset>().Should().Be(Start);
    }

    [Fact]
    public async Task On_the_real_clock_the_clock_endpoints_answer_409_with_a_problem()
    {
        using var api = new ApiFactory();
        using var ops = api.Client(ApiFactory.OpsKey);
        foreach (var response in new[] { await ops.GetAsync("/api/clock"), await ops.PostAsJsonAsync("/api/clock/advance", new { by = "1d" }) })
        {
            response.StatusCode.Should().Be(HttpStatusCode.Conflict);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            problem["title"]!.GetValue<string>().Should().Be("The host runs on the real clock");
            problem["detail"]!.GetValue<string>().Should().Contain("--clock virtual");
        }
    }

    [Fact]
    public async Task A_restarted_host_resumes_its_virtual_clock_and_fires_what_fell_due()
    {
        using var folder = new TempFolder();
        var database = folder.File("resume.db");
        using (var first = new VirtualClockHost(Start, databasePath: database))
        using (var client = first.Client())
        {
            (await client.PostAsync("/api/events", CloudEvents.Json(Registered("lin")))).StatusCode.Should().Be(HttpStatusCode.Accepted);
            (await VirtualClockHost.AdvanceAsync(client, new JsonObject { ["by"] = "12h" })).Now.Should().Be(Start + TimeSpan.FromHours(12));
        }

        File.ReadAllText(database + ".clock").Should().StartWith("2026-03-02T14:00:00");
        using var second = new VirtualClockHost(Start, databasePath: database);
        using var again = second.Client();
        (await again.GetFromJsonAsync<JsonObject>("/api/clock"))!["now"]!.GetValue<DateTimeOffset>().Should().Be(Start + TimeSpan.FromHours(12), "the clock never goes back, not even across restarts");
        (await VirtualClockHost.AdvanceAsync(again, new JsonObject { ["by"] = "1d" })).TimersFired.Should().Be(1);
        var messages = (await again.GetFromJsonAsync<JsonArray>("/api/customers/lin/messages"))!;
        messages.Select(m => m!["template"]!.GetValue<string>()).Should().Equal("onboarding-welcome", "onboarding-coupon");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Sqlite")]
    [InlineData("sqlite")]
    public void The_local_host_runs_on_the_embedded_store(string? store) =>
        EmbeddedStore.Check(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PrivateFlows:Store"] = store }).Build());

    [Fact]
    public void A_leftover_Cosmos_store_setting_stops_the_local_host_saying_Cosmos_is_the_Azure_read_model()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PrivateFlows:Store"] = "Cosmos" }).Build();
        var check = () => EmbeddedStore.Check(configuration);
        check.Should().Throw<InvalidOperationException>().WithMessage("PrivateFlows:Store is 'Cosmos': the local host runs on the embedded SQLite store only; Cosmos DB is the Azure read model now*");
    }

    [Fact]
    public void A_bad_clock_setting_fails_at_start_up_with_a_clear_message()
    {
        using var host = new VirtualClockHost(Start, settings: new Dictionary<string, string?> { ["PrivateFlows:ClockStart"] = "next monday" });
        var start = () => host.Server;
        start.Should().Throw<InvalidOperationException>().WithMessage("PrivateFlows:ClockStart is 'next monday': give an ISO 8601 instant*");
    }

    private static JsonObject Registered(string customer)
    {
        var e = CloudEvents.Registered(customer);
        e["time"] = "2026-03-02T10:00:00+08:00";
        e["data"]!["timeZone"] = "Asia/Shanghai";
        return e;
    }
}
