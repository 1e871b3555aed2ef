using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Timers;

/// <summary>
/// The host under the virtual clock decides every timer of a customer due at one instant together, in journey
/// priority order, as the simulator does: a priority-10 promotion and the priority-80 birthday greeting due on the
/// same morning give the greeting the day's marketing slot, whichever timer the store fires first.
/// </summary>
public sealed class TimersDueTogetherHostTests : IDisposable
{
    /// <summary>Monday 2 March 2026, 10:00 in Shanghai.</summary>
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    /// <summary>15 March 2026, 10:00 in Shanghai: the birthday, and the promotion's sale morning.</summary>
    private static readonly DateTimeOffset Birthday = new(2026, 3, 15, 2, 0, 0, TimeSpan.Zero);

    private readonly VirtualClockHost _host = new(Start, withKeys: true);

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task A_promotion_and_the_birthday_greeting_due_at_the_same_instant_give_the_greeting_the_slot()
    {
        using var marketer = _host.Client(ApiFactory.MarketerKey);
        using var producer = _host.Client(ApiFactory.ProducerKey);
        using var ops = _host.Client(ApiFactory.OpsKey);
        var publish = new
        {
            // Its name sorts before "birthday-care", so its timer id sorts (and is fired) first.
            yaml = """
                journey: anniversary-promotion
                category: marketing
                priority: 10
                entry:
                  event: customer.registered
                steps:
                  - id: wait-sale
                    wait_until: { time: "10:00", date: '"2026-03-15"' }
                  - id: promo
                    send: { channel: sms, template: anniversary-promo }
                """,
            templates = new[]
            {
                new { name = "anniversary-promo", locale = "zh-CN", text = "{{ customer.name }}，周年庆全场八折" },
                new { name = "anniversary-promo", locale = "en", text = "{{ customer.name }}, 20% off everything" },
            },
        };
        using (var published = await marketer.PostAsJsonAsync("/api/journeys", publish))
        {
            published.StatusCode.Should().Be(HttpStatusCode.Created, await published.Content.ReadAsStringAsync());
        }

        var registered = CloudEvents.Registered("mei");
        registered["time"] = "2026-03-02T10:00:00+08:00";
        registered["data"]!["timeZone"] = "Asia/Shanghai";
        registered["data"]!["birthday"] = "1990-03-15";
        registered["data"]!["channels"] = new JsonObject { ["sms"] = true, ["wecom"] = true };
        (await producer.PostAsync("/api/events", CloudEvents.Json(registered))).StatusCode.Should().Be(HttpStatusCode.Accepted);

        await VirtualClockHost.AdvanceAsync(ops, new JsonObject { ["to"] = (Birthday + TimeSpan.FromDays(1) + TimeSpan.FromHours(1)).ToString("o") });

        var messages = (await ops.GetFromJsonAsync<JsonArray>("/api/customers/mei/messages"))!;
        var greeting = messages.Single(m => m!["journey"]?.GetValue<string>() == "birthday-care")!;
        greeting["at"]!.GetValue<DateTimeOffset>().Should().Be(Birthday, "the birthday greeting (priority 80) wins the day's marketing slot: " + messages.ToJsonString());
        var promo = messages.Single(m => m!["journey"]?.GetValue<string>() == "anniversary-promotion")!;
        promo["at"]!.GetValue<DateTimeOffset>().Should().Be(Birthday + TimeSpan.FromDays(1), "the promotion is deferred until the cap frees");
        var history = (await ops.GetFromJsonAsync<JsonObject>("/api/customers/mei/history"))!["entries"]!.AsArray();
        history.Should().Contain(h => h!["kind"]!.GetValue<string>() == "deferred" && h["journey"]!.GetValue<string>() == "anniversary-promotion" && h["time"]!.GetValue<DateTimeOffset>() == Birthday);
    }
}
