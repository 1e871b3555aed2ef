using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Insights;

/// <summary>PIPL/GDPR through the HTTP API: export holds every kind of record; erase leaves nothing but anonymous counts and a tombstone.</summary>
public sealed class PrivacyApiTests : IDisposable
{
    private readonly InsightsApi _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task Export_holds_every_kind_of_record_kept_about_the_customer()
    {
        var t0 = _api.Now;
        await _api.SendAsync(Ce.Registered("ben", t0), Ce.Registered("ana", t0));
        await _api.SendAsync(Ce.Event("referral.accepted", "ana", "ref-ana", t0, new JsonObject { ["referrerId"] = "ben" }));
        await _api.SendAsync(Ce.Registered("cara", t0), Ce.Event("referral.accepted", "cara", "ref-cara", t0, new JsonObject { ["referrerId"] = "ana" }));
        await _api.AdvanceToAsync(t0.AddDays(1).AddMinutes(1)); // onboarding: no order yet → FIRST20 coupon + SMS
        await _api.SendAsync(Ce.Order("ana", "o-ana-1", 99m, _api.Now));

        // Only ops may export.
        (await _api.Marketer.GetAsync("/api/customers/ana/export")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _api.Producer.GetAsync("/api/customers/ana/export")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _api.Ops.GetAsync("/api/customers/nobody/export")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var export = await _api.GetAsync(_api.Ops, "/api/customers/ana/export");
        export["customerId"]!.GetValue<string>().Should().Be("ana");
        export["profile"]!["name"]!.GetValue<string>().Should().Be("林晓");
        export["profile"]!["email"]!.GetValue<string>().Should().Be("ana@example.com");
        export["profile"]!["channels"]!.AsObject().Should().ContainKey("sms");

        Strings(export["events"]!, "event", "id").Should().BeEquivalentTo(["reg-ana", "ref-ana", "o-ana-1"]);
        Strings(export["instances"]!, "journey").Should().Contain(["onboarding", "referral-reward"]);
        Strings(export["history"]!, "kind").Should().Contain(["entered", "sent", "goal_reached", "action"]);
        Strings(export["messages"]!, "template").Should().Contain(["onboarding-welcome", "referral-reward-welcome", "onboarding-coupon"]);
        Strings(export["points"]!, "rule").Should().Contain("order");
        Strings(export["coupons"]!, "coupon").Should().Equal("FIRST20");
        Strings(export["timers"]!, "instanceId").Should().NotBeEmpty("the referral journey waits for the refund window");
        export["referrals"]!["referredBy"]!["referrerId"]!.GetValue<string>().Should().Be("ben");
        Strings(export["referrals"]!["referred"]!, "refereeId").Should().Equal("cara");
        export["referrals"]!["code"]!.GetValue<string>().Should().HaveLength(8);
        export.Should().ContainKeys("recentSends", "lastEntered", "pendingEffects", "poison", "exportedAt");

        // Nothing an individual ops view shows is missing from the export.
        (await _api.GetArrayAsync(_api.Ops, "/api/customers/ana/events")).Count.Should().Be(export["events"]!.AsArray().Count);
        (await _api.HistoryAsync("ana")).Count.Should().Be(export["history"]!.AsArray().Count);
        (await _api.GetArrayAsync(_api.Ops, "/api/customers/ana/messages")).Count.Should().Be(export["messages"]!.AsArray().Count);
        (await _api.GetAsync(_api.Ops, "/api/customers/ana/points"))["entries"]!.AsArray().Count.Should().Be(export["points"]!.AsArray().Count);
        (await _api.GetAsync(_api.Ops, "/api/customers/ana"))["instances"]!.AsArray().Count.Should().Be(export["instances"]!.AsArray().Count);
    }

    [Fact]
    public async Task Erase_deletes_everything_cancels_running_instances_keeps_anonymous_counts_and_drops_late_events()
    {
        const string id = "zhao-erase-1";
        var t0 = _api.Now;
        await _api.SendAsync(Ce.Registered(id, t0), Ce.Registered("other", t0));
        var before = await _api.GetAsync(_api.Marketer, "/api/journeys/onboarding/stats");
        Sum(before, "entered").Should().Be(2);
        Sum(before, "active").Should().Be(2);
        (await _api.Store.ReadTimersAsync(id)).Should().NotBeEmpty();

        (await _api.Marketer.DeleteAsync($"/api/customers/{id}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _api.Ops.DeleteAsync($"/api/customers/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await _api.Ops.GetAsync($"/api/customers/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _api.Ops.GetAsync($"/api/customers/{id}/export")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        // An erased customer is unknown on every route (her history, messages and events are gone with her).
        (await _api.Ops.GetAsync($"/api/customers/{id}/history")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _api.Ops.GetAsync($"/api/customers/{id}/messages")).StatusCode.Should().Be(HttpStatusCode.NotFound, "sandbox messages are erased too");
        (await _api.Ops.GetAsync($"/api/customers/{id}/events")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _api.Store.ReadMessagesAsync(id, 10)).Should().BeEmpty();
        (await _api.Store.ReadTimersAsync(id)).Should().BeEmpty("the running instance's timers are gone");

        // Statistics keep counting her, anonymously: entered still adds up, her running instance became cancelled.
        var after = await _api.GetAsync(_api.Marketer, "/api/journeys/onboarding/stats");
        Sum(after, "entered").Should().Be(2);
        Sum(after, "active").Should().Be(1);
        Sum(after, "sent").Should().Be(Sum(before, "sent"));

        // Late events are dropped and counted, never recreating the profile.
        await _api.SendAsync(Ce.Order(id, "late-order", 50m, _api.Now), Ce.Registered(id, _api.Now));
        (await _api.Ops.GetAsync($"/api/customers/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _api.Ops.GetAsync($"/api/customers/{id}/events")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var privacy = await _api.GetAsync(_api.Ops, "/api/privacy");
        privacy["erasedCustomers"]!.GetValue<long>().Should().Be(1);
        privacy["droppedLateEvents"]!.GetValue<long>().Should().Be(2);
        (await _api.GetAsync(_api.Ops, "/api/status"))["erasure"]!["droppedLateEvents"]!.GetValue<long>().Should().Be(2);
        Sum(await _api.GetAsync(_api.Marketer, "/api/journeys/onboarding/stats"), "entered").Should().Be(2);

        // Not a trace of the id anywhere in the database (the tombstone keeps a hash).
        FindInDatabase(_api.DatabasePath, id).Should().BeEmpty();

        (await _api.Ops.DeleteAsync($"/api/customers/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "nothing is held any more");
        (await _api.Ops.GetAsync("/api/customers/other")).StatusCode.Should().Be(HttpStatusCode.OK, "other customers are untouched");
    }

    internal static long Sum(JsonObject stats, string field) => stats["variants"]!.AsArray().Sum(v => v![field]!.GetValue<long>());

    private static List<string> Strings(JsonNode array, params string[] path) =>
        [.. array.AsArray().Select(item => path.Aggregate(item, (node, key) => node?[key])?.GetValue<string>()).OfType<string>()];

    /// <summary>Every table.column holding text that contains <paramref name="text"/>.</summary>
    private static List<string> FindInDatabase(string path, string text)
    {
        var found = new List<string>();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }

        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM {table}";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (!reader.IsDBNull(i) && reader.GetValue(i) is string s && s.Contains(text, StringComparison.Ordinal)) found.Add($"{table}.{reader.GetName(i)}");
                }
            }
        }

        return found;
    }
}
