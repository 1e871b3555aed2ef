using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Api;

/// <summary>Hostile or nonsensical events get a 400 (or 415) naming the problem, never a 500, and nothing is stored.</summary>
public sealed class HostileEventTests : IDisposable
{
    private readonly ApiFactory _api = new();
    private readonly HttpClient _producer;

    public HostileEventTests() => _producer = _api.Client(ApiFactory.ProducerKey);

    public void Dispose() => _api.Dispose();

    private IJourneyStore Store => _api.Services.GetRequiredService<IJourneyStore>();

    private Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(HttpContent content) => _producer.PostEventsAsync(content);

    private static ByteArrayContent Raw(byte[] body, string contentType = "application/cloudevents+json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static ByteArrayContent Raw(string body, string contentType = "application/cloudevents+json") => Raw(Encoding.UTF8.GetBytes(body), contentType);

    private async Task NothingStoredFor(string customer)
    {
        await _api.IdleAsync();
        (await Store.ReadEventsAsync(customer, 0, 10)).Should().BeEmpty();
        (await Store.ReadCustomerAsync(customer)).Should().BeNull();
    }

    private static string Envelope(string subject, string dataJson, string type = "customer.registered", string id = "h-1") =>
        $$"""{"specversion":"1.0","id":"{{id}}","type":"{{type}}","source":"test","subject":"{{subject}}","time":"2025-03-03T02:00:00Z","data":{{dataJson}}}""";

    [Theory]
    [InlineData("application/json-patch+json")]
    [InlineData("application/jsonx")]
    [InlineData("application/cloudevents+jsonp")]
    [InlineData("text/json")]
    [InlineData("application/cloudevents+json; charset=utf-16")]
    public async Task A_media_type_the_contract_does_not_promise_is_415(string contentType)
    {
        var content = CloudEvents.Json(CloudEvents.Registered("media"));
        Replace(content, contentType);

        var (status, body) = await PostAsync(content);

        status.Should().Be(HttpStatusCode.UnsupportedMediaType);
        body["status"]!.GetValue<int>().Should().Be(415);
        await NothingStoredFor("media");
    }

    [Theory]
    [InlineData("application/cloudevents+json; charset=utf-8")]
    [InlineData("Application/CloudEvents+JSON")]
    [InlineData("application/json; charset=UTF-8")]
    public async Task The_promised_media_types_are_accepted_with_or_without_a_UTF8_charset(string contentType)
    {
        var content = CloudEvents.Json(CloudEvents.Registered("media-ok"));
        Replace(content, contentType);

        (await PostAsync(content)).Status.Should().Be(HttpStatusCode.Accepted);
    }

    private static void Replace(HttpContent content, string contentType)
    {
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
    }

    [Fact]
    public async Task Invalid_UTF8_is_400_naming_the_body()
    {
        var bytes = Encoding.UTF8.GetBytes(Envelope("utf8", """{"name":"AB"}"""));
        var at = Array.IndexOf(bytes, (byte)'A');
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28; // a lead byte followed by a non-continuation byte

        var (status, body) = await PostAsync(Raw(bytes));

        status.Should().Be(HttpStatusCode.BadRequest);
        body["field"]!.GetValue<string>().Should().Be("$");
        body["detail"]!.GetValue<string>().Should().Contain("UTF-8");
        await NothingStoredFor("utf8");
    }

    [Theory]
    [InlineData("""{"name":"\ud800"}""", "data.name")]
    [InlineData("""{"name":"x\udc00y"}""", "data.name")]
    [InlineData("""{"attributes":{"\ud83d":"x"}}""", "data.attributes")]
    public async Task A_lone_surrogate_is_400_naming_the_field(string data, string field)
    {
        var (status, body) = await PostAsync(Raw(Envelope("surrogate", data)));

        status.Should().Be(HttpStatusCode.BadRequest);
        body["field"]!.GetValue<string>().Should().Be(field);
        body["detail"]!.GetValue<string>().Should().Contain("surrogate");
        await NothingStoredFor("surrogate");
    }

    [Fact]
    public async Task A_paired_surrogate_emoji_is_fine()
    {
        (await PostAsync(Raw(Envelope("emoji", """{"name":"Lin \ud83c\udf89 林晓"}""")))).Status.Should().Be(HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"d-1","id":"d-2","type":"app.opened","subject":"dup"}""", "id")]
    [InlineData("""{"specversion":"1.0","id":"d-1","type":"app.opened","subject":"dup","data":{"a":1,"b":{"c":1,"c":2}}}""", "data.b.c")]
    public async Task A_duplicate_key_is_400_naming_it(string json, string field)
    {
        var (status, body) = await PostAsync(Raw(json));

        status.Should().Be(HttpStatusCode.BadRequest);
        body["field"]!.GetValue<string>().Should().Be(field);
        body["detail"]!.GetValue<string>().Should().Contain("duplicate key");
        await NothingStoredFor("dup");
    }

    [Fact]
    public async Task A_duplicate_key_in_a_batch_names_the_event()
    {
        var json = $"[{Envelope("dup-batch", "{}", "app.opened", "db-1")},{{\"id\":\"db-2\",\"type\":\"app.opened\",\"subject\":\"dup-batch\",\"subject\":\"other\"}}]";

        var (status, body) = await PostAsync(Raw(json, "application/cloudevents-batch+json"));

        status.Should().Be(HttpStatusCode.BadRequest);
        body["field"]!.GetValue<string>().Should().Be("[1].subject");
        await NothingStoredFor("dup-batch");
    }

    [Theory]
    [InlineData("subject", "a\u0000b")]
    [InlineData("subject", "alice\r\nINFO forged log line")]
    [InlineData("id", "evt\n1")]
    [InlineData("type", "app.opened\u0007")]
    [InlineData("source", "shop\u001b[31m")]
    [InlineData("subject", "ad\u202emin")]
    public async Task Control_characters_in_the_envelope_are_400(string field, string value)
    {
        var e = CloudEvents.Registered("ctl");
        e[field] = value;

        var (status, body) = await PostAsync(CloudEvents.Json(e));

        status.Should().Be(HttpStatusCode.BadRequest);
        body["field"]!.GetValue<string>().Should().Be(field);
        body["detail"]!.GetValue<string>().Should().NotContainAny("\r", "\n", "\u0000");
        await NothingStoredFor("ctl");
        await NothingStoredFor("a\u0000b");
    }

    [Theory]
    [InlineData("9.3e18")]
    [InlineData("1e29")]
    [InlineData("99999999999999999999999999999999")]
    [InlineData("1e400")]
    [InlineData("-1")]
    [InlineData("1000000000000.01")]
    [InlineData("10.001")]
    public async Task An_amount_out_of_bounds_is_400_naming_it(string amount)
    {
        var json = "{\"specversion\":\"1.0\",\"id\":\"amt\",\"type\":\"order.completed\",\"subject\":\"amounts\",\"data\":{\"orderId\":\"SO-1\",\"amount\":" + amount + "}}";

        var (status, body) = await PostAsync(Raw(json));

        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["field"]!.GetValue<string>().Should().Be("data.amount");
        await NothingStoredFor("amounts");
    }

    [Theory]
    [InlineData("""{"points":1e30}""", "data.points")]
    [InlineData("""{"nested":{"deep":[1, 2, 1e16]}}""", "data.nested.deep[2]")]
    [InlineData("""{"x":-99999999999999999999999999999999}""", "data.x")]
    public async Task A_number_anywhere_in_data_out_of_the_safe_range_is_400(string data, string field)
    {
        var (status, body) = await PostAsync(Raw(Envelope("numbers", data, "app.opened")));

        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["field"]!.GetValue<string>().Should().Be(field);
        await NothingStoredFor("numbers");
    }

    [Theory]
    [InlineData("9999-12-31T00:00:00Z")]
    [InlineData("1999-12-31T23:59:59Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("2025-03-04T02:00:01Z")] // the fake clock stands at 2025-03-03T02:00Z: one day and a second ahead
    public async Task A_time_outside_the_window_is_400(string time)
    {
        var e = CloudEvents.Order("times", "t-1", 10);
        e["time"] = time;

        var (status, body) = await PostAsync(CloudEvents.Json(e));

        status.Should().Be(HttpStatusCode.BadRequest);
        body["field"]!.GetValue<string>().Should().Be("time");
        await NothingStoredFor("times");
    }

    [Fact]
    public async Task A_time_up_to_one_day_ahead_is_accepted()
    {
        var e = CloudEvents.Order("times-ok", "t-2", 10);
        e["time"] = "2025-03-04T02:00:00Z";

        (await PostAsync(CloudEvents.Json(e))).Status.Should().Be(HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("birthday", "13-45")]
    [InlineData("birthday", "99-99")]
    [InlineData("birthday", "02-30")]
    [InlineData("birthday", "2023-02-29")]
    [InlineData("birthday", "1899-01-01")]
    [InlineData("birthday", "07/18")]
    [InlineData("timeZone", "Mars/Olympus")]
    [InlineData("timeZone", "asia/shanghai ")]
    public async Task A_profile_field_that_is_not_a_real_date_or_zone_is_400(string field, string value)
    {
        var e = CloudEvents.Registered("profile-bad");
        e["data"]![field] = value;

        var (status, body) = await PostAsync(CloudEvents.Json(e));

        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["field"]!.GetValue<string>().Should().Be($"data.{field}");
        await NothingStoredFor("profile-bad");
    }

    [Theory]
    [InlineData("birthday", "02-29")]
    [InlineData("birthday", "2000-02-29")]
    [InlineData("birthday", "12-31")]
    [InlineData("timeZone", "America/Argentina/Buenos_Aires")]
    [InlineData("timeZone", "UTC")]
    public async Task Real_dates_and_zones_are_accepted(string field, string value)
    {
        var e = CloudEvents.Registered("profile-ok");
        e["data"]![field] = value;

        var (status, body) = await PostAsync(CloudEvents.Json(e));

        status.Should().Be(HttpStatusCode.Accepted, body.ToJsonString());
    }

    [Fact]
    public async Task Data_nested_too_deep_is_400_and_not_a_stored_event_that_no_longer_parses()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 40);

        var (status, body) = await PostAsync(Raw(Envelope("deep", deep, "app.opened")));

        status.Should().Be(HttpStatusCode.BadRequest);
        body["field"]!.GetValue<string>().Should().StartWith("data.a");
        await NothingStoredFor("deep");
    }
}
