using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PrivateFlows.Host.Events;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Api;

/// <summary>
/// The published contract (the JSON schemas shipped in <c>schemas/events</c>) and what ingest enforces agree: for every
/// bound a schema states, a value at the bound is accepted and one just past it is refused, naming the field. The
/// numbers are read from the schema files, so a schema edited without the code (or the reverse) fails here.
/// </summary>
public sealed class ContractBoundsTests : IDisposable
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "schemas", "events");
    private readonly ApiFactory _api = new();
    private readonly HttpClient _producer;
    private int _next;

    public ContractBoundsTests() => _producer = _api.Client(ApiFactory.ProducerKey);

    public void Dispose() => _api.Dispose();

    private static JsonObject Schema(string type) => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, $"{type}.schema.json")))!.AsObject();

    private static JsonObject DataSchema(string type, string field) => Schema(type)["properties"]!["data"]!["properties"]![field]!.AsObject();

    private static decimal Number(JsonObject schema, string keyword) => schema[keyword]!.GetValue<decimal>();

    private static int Int(JsonObject schema, string keyword) => schema[keyword]!.GetValue<int>();

    private JsonObject Event(string type, JsonObject data)
    {
        var e = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = $"bound-{++_next}",
            ["type"] = type,
            ["source"] = "test",
            ["subject"] = "bounds",
            ["data"] = data,
        };
        return e;
    }

    private async Task<(HttpStatusCode Status, string? Field)> PostAsync(JsonObject e)
    {
        using var response = await _producer.PostAsync("/api/events", CloudEvents.Json(e));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        return (response.StatusCode, body["field"]?.GetValue<string>());
    }

    /// <summary>At the bound: 202. Past it: 400 naming <paramref name="field"/>.</summary>
    private async Task AtAndPast(string field, JsonObject at, JsonObject past)
    {
        var accepted = await PostAsync(at);
        accepted.Status.Should().Be(HttpStatusCode.Accepted, $"{field} at the bound: {at.ToJsonString()[..Math.Min(300, at.ToJsonString().Length)]}");
        var refused = await PostAsync(past);
        refused.Status.Should().Be(HttpStatusCode.BadRequest, $"{field} past the bound");
        refused.Field.Should().Be(field);
    }

    private static JsonObject Order(JsonNode amount, JsonObject? item = null) => new()
    {
        ["orderId"] = "SO-1",
        ["amount"] = amount,
        ["items"] = item is null ? new JsonArray() : new JsonArray(item),
    };

    [Fact]
    public async Task Amounts_and_item_numbers_are_bounded_as_the_schema_says()
    {
        var amount = DataSchema("order.completed", "amount");
        var max = Number(amount, "maximum");
        var step = Number(amount, "multipleOf");
        Number(amount, "minimum").Should().Be(0m);
        max.Should().Be(EventBounds.MaxAmount);
        step.Should().Be(0.01m, "2 decimals");

        await AtAndPast("data.amount", Event("order.completed", Order(max)), Event("order.completed", Order(max + step)));
        await AtAndPast("data.amount", Event("order.completed", Order(0)), Event("order.completed", Order(-step)));
        await AtAndPast("data.amount", Event("order.completed", Order(10.01m)), Event("order.completed", Order(10.001m)));
        foreach (var type in new[] { "order.refunded", "coupon.redeemed" })
        {
            Number(DataSchema(type, "amount"), "maximum").Should().Be(max, type);
            await AtAndPast("data.amount", Event(type, Order(max)), Event(type, Order(max + step)));
        }

        var item = Schema("order.completed")["properties"]!["data"]!["properties"]!["items"]!["items"]!["properties"]!.AsObject();
        foreach (var (field, value) in new[] { ("price", Number(item["price"]!.AsObject(), "maximum")), ("quantity", Number(item["quantity"]!.AsObject(), "maximum")), ("useCycleDays", Number(item["useCycleDays"]!.AsObject(), "maximum")) })
        {
            await AtAndPast($"data.items[0].{field}",
                Event("order.completed", Order(1, new JsonObject { ["sku"] = "TEA", [field] = value })),
                Event("order.completed", Order(1, new JsonObject { ["sku"] = "TEA", [field] = value + 1 })));
        }

        var streak = Number(DataSchema("customer.checked_in", "streak"), "maximum");
        await AtAndPast("data.streak", Event("customer.checked_in", new JsonObject { ["streak"] = streak }), Event("customer.checked_in", new JsonObject { ["streak"] = streak + 1 }));
    }

    [Fact]
    public async Task Envelope_lengths_are_bounded_as_every_schema_says()
    {
        foreach (var file in Directory.EnumerateFiles(Folder, "*.schema.json"))
        {
            var properties = JsonNode.Parse(File.ReadAllText(file))!["properties"]!;
            Int(properties["id"]!.AsObject(), "maxLength").Should().Be(EventBounds.MaxIdLength, file);
            Int(properties["subject"]!.AsObject(), "maxLength").Should().Be(EventBounds.MaxIdLength, file);
            Int(properties["source"]!.AsObject(), "maxLength").Should().Be(EventBounds.MaxSourceLength, file);
            Int(properties["type"]!.AsObject(), "maxLength").Should().Be(EventBounds.MaxTypeLength, file);
        }

        foreach (var field in new[] { "id", "subject", "source" })
        {
            var at = Event("app.opened", []);
            at[field] = new string('x', EventBounds.MaxIdLength);
            var past = Event("app.opened", []);
            past[field] = new string('y', EventBounds.MaxIdLength + 1);
            await AtAndPast(field, at, past);
        }

        var unknownType = Event("x." + new string('t', EventBounds.MaxTypeLength - 2), []);
        var tooLong = Event("x." + new string('t', EventBounds.MaxTypeLength - 1), []);
        await AtAndPast("type", unknownType, tooLong);
    }

    [Fact]
    public async Task Profile_lengths_and_counts_are_bounded_as_the_schema_says()
    {
        foreach (var type in new[] { "customer.registered", "customer.profile_updated" })
        {
            foreach (var field in new[] { "name", "email", "phone", "locale" })
            {
                var max = Int(DataSchema(type, field), "maxLength");
                await AtAndPast($"data.{field}", Event(type, new JsonObject { [field] = new string('a', max) }), Event(type, new JsonObject { [field] = new string('a', max + 1) }));
            }

            var tags = DataSchema(type, "tags");
            var maxTags = Int(tags, "maxItems");
            var maxTag = Int(tags["items"]!.AsObject(), "maxLength");
            await AtAndPast("data.tags", Event(type, new JsonObject { ["tags"] = Tags(maxTags, 5) }), Event(type, new JsonObject { ["tags"] = Tags(maxTags + 1, 5) }));
            await AtAndPast("data.tags[0]", Event(type, new JsonObject { ["tags"] = Tags(1, maxTag) }), Event(type, new JsonObject { ["tags"] = Tags(1, maxTag + 1) }));

            var maxAttributes = Int(DataSchema(type, "attributes"), "maxProperties");
            await AtAndPast("data.attributes", Event(type, new JsonObject { ["attributes"] = Attributes(maxAttributes, 1) }), Event(type, new JsonObject { ["attributes"] = Attributes(maxAttributes + 1, 1) }));
            await AtAndPast("data.attributes.a0", Event(type, new JsonObject { ["attributes"] = Attributes(1, EventBounds.MaxAttributeLength) }), Event(type, new JsonObject { ["attributes"] = Attributes(1, EventBounds.MaxAttributeLength + 1) }));
        }
    }

    private static JsonArray Tags(int count, int length) => [.. Enumerable.Range(0, count).Select(i => (JsonNode)JsonValue.Create(i.ToString("D3", CultureInfo.InvariantCulture) + new string('t', Math.Max(0, length - 3)))!)];

    private static JsonObject Attributes(int count, int length) => new(Enumerable.Range(0, count).Select(i => KeyValuePair.Create($"a{i}", (JsonNode?)JsonValue.Create(new string('v', length)))));

    [Fact]
    public async Task Limits_on_any_value_in_data_hold_at_their_bound()
    {
        await AtAndPast("data.n", Event("app.opened", new JsonObject { ["n"] = 1e15 }), Event("app.opened", new JsonObject { ["n"] = 1.000001e15 }));
        await AtAndPast("data.n", Event("app.opened", new JsonObject { ["n"] = -1e15 }), Event("app.opened", new JsonObject { ["n"] = -1.000001e15 }));
        await AtAndPast("data.s", Event("app.opened", new JsonObject { ["s"] = new string('s', EventBounds.MaxTextLength) }), Event("app.opened", new JsonObject { ["s"] = new string('s', EventBounds.MaxTextLength + 1) }));
        var longKey = new string('k', EventBounds.MaxKeyLength);
        await AtAndPast($"data.{longKey}…", Event("app.opened", new JsonObject { [longKey] = 1 }), Event("app.opened", new JsonObject { [longKey + "k"] = 1 }));
        await AtAndPast("data" + string.Concat(Enumerable.Repeat(".a", EventBounds.MaxDataDepth)), Event("app.opened", Nested(EventBounds.MaxDataDepth - 1)), Event("app.opened", Nested(EventBounds.MaxDataDepth)));
        var points = Event("points.awarded", new JsonObject { ["points"] = EventBounds.MaxPoints, ["reason"] = "service" });
        await AtAndPast("data.points", points, Event("points.awarded", new JsonObject { ["points"] = EventBounds.MaxPoints + 1, ["reason"] = "service" }));
    }

    /// <summary><c>data</c> with <paramref name="levels"/> objects nested under it.</summary>
    private static JsonObject Nested(int levels)
    {
        var inner = new JsonObject { ["v"] = 1 };
        for (var i = 1; i < levels; i++) inner = new JsonObject { ["a"] = inner };
        return new JsonObject { ["a"] = inner };
    }

    [Fact]
    public async Task The_time_window_holds_at_its_bounds()
    {
        var now = _api.Clock.GetUtcNow();
        JsonObject At(string time)
        {
            var e = Event("app.opened", []);
            e["time"] = time;
            return e;
        }

        await AtAndPast("time", At("2000-01-01T00:00:00Z"), At("1999-12-31T23:59:59Z"));
        await AtAndPast("time", At(now.AddDays(1).ToString("O", CultureInfo.InvariantCulture)), At(now.AddDays(1).AddSeconds(1).ToString("O", CultureInfo.InvariantCulture)));
        Schema("app.opened")["properties"]!["time"]!["description"]!.GetValue<string>().Should().Contain("2000-01-01T00:00:00Z").And.Contain("+ 1 day");
    }

    [Fact]
    public void The_time_zone_list_of_the_schema_is_the_tz_database_ingest_checks()
    {
        foreach (var type in new[] { "customer.registered", "customer.profile_updated" })
        {
            var listed = DataSchema(type, "timeZone")["enum"]!.AsArray().Select(z => z!.GetValue<string>()).ToList();
            listed.Should().BeEquivalentTo(NodaTime.DateTimeZoneProviders.Tzdb.Ids, $"{type}: regenerate the enum from NodaTime's tz database ({NodaTime.DateTimeZoneProviders.Tzdb.VersionId})");
            listed.Should().OnlyContain(z => EventBounds.IsKnownTimeZone(z));
            DataSchema(type, "timeZone")["description"]!.GetValue<string>().Should().Contain(NodaTime.DateTimeZoneProviders.Tzdb.VersionId.Split(' ')[1]); // "TZDB: 2026d (mapping: …)"
        }
    }

    [Fact]
    public void The_birthday_pattern_of_the_schema_accepts_every_birthday_ingest_accepts()
    {
        var now = new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
        foreach (var type in new[] { "customer.registered", "customer.profile_updated" })
        {
            var pattern = new Regex(DataSchema(type, "birthday")["pattern"]!.GetValue<string>(), RegexOptions.None, TimeSpan.FromSeconds(1));
            for (var month = 0; month <= 13; month++)
            {
                for (var day = 0; day <= 32; day++)
                {
                    var text = $"{month:D2}-{day:D2}";
                    pattern.IsMatch(text).Should().Be(EventBounds.IsBirthday(text, now), text);
                    foreach (var year in new[] { 1899, 1900, 2000, 2023, 2024, 2026 })
                    {
                        var full = $"{year}-{text}";
                        // The pattern cannot know leap years or today's year: it may be wider than the code, never narrower.
                        if (EventBounds.IsBirthday(full, now)) pattern.IsMatch(full).Should().BeTrue(full);
                        else if (pattern.IsMatch(full)) (text == "02-29" || year > now.Year).Should().BeTrue(full);
                    }
                }
            }
        }
    }
}
