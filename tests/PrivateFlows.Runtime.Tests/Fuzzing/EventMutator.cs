using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace PrivateFlows.Runtime.Tests.Fuzzing;

/// <summary>One generated request: the bytes, the media type, and the customer ids it may have written to.</summary>
public sealed record FuzzInput(byte[] Body, string? ContentType, IReadOnlyList<string> Subjects, string Recipe);

/// <summary>
/// Structure-aware mutations of valid CloudEvents of every contract type: drop, duplicate and rename fields, change
/// JSON types, boundary numbers and dates, hostile Unicode, deep nesting, batches, media types, and byte-level damage
/// (invalid UTF-8, lone surrogates, duplicate keys, truncation). Deterministic for a seed.
/// </summary>
public sealed class EventMutator(int seed)
{
    private static readonly string[] Numbers =
        ["0", "-0", "-1", "0.001", "10.005", "1e308", "-1e308", "1e400", "1e-400", "9.3e18", "9223372036854775808", "79228162514264337593543950336",
         "99999999999999999999999999999999999999", "1e15", "1000000000000", "1000000000000.01", "3650", "3651", "2147483648", "1E+2", "123456789.123456789"];

    private static readonly string[] Texts =
        ["", " ", "NaN", "Infinity", "-Infinity", "null", "true", "0x10", "1e999", "\u202eevil", "a\u0000b", "line\r\nINFO forged", "🎉🎉", "\u200bzero", "\ufeffbom",
         "مرحبا", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\t tab", "%2F../..", "a/b", "<script>", "{{ customer.name }}", "'; DROP TABLE events; --", "\u0085nel", "\u2028ls"];

    private static readonly string[] Times =
        ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z",
         "2025-03-03T10:00:00+14:00", "2025-03-03T10:00:00-12:00", "2025-03-03T10:00:00", "2025-02-30T00:00:00Z", "2025-03-04T02:00:00Z", "2025-03-04T02:00:01Z",
         "2025-03-03", "yesterday", "1741000000", "2025-13-01T00:00:00Z", "2025-03-03T24:00:00Z"];

    private static readonly string[] Birthdays = ["13-45", "99-99", "02-29", "02-30", "00-00", "2023-02-29", "2024-02-29", "1899-12-31", "9999-12-31", "12-31", "7-4", "07/18", "0718"];

    private static readonly string[] Zones = ["Mars/Olympus", "Asia/Shanghai", "UTC", "Etc/GMT+14", "asia/shanghai", "+08:00", "America/Argentina/Buenos_Aires", "", "Europe/London\u0000"];

    private static readonly string[] Types =
        ["customer.registered", "customer.profile_updated", "order.completed", "order.refunded", "referral.accepted", "customer.unsubscribed", "customer.consent_changed",
         "app.opened", "customer.checked_in", "coupon.redeemed", "points.awarded", "points.redeemed", "order.complete", "ORDER.COMPLETED", "cart.abandoned", "x"];

    private static readonly string[] ContentTypes =
        ["application/json", "application/json-patch+json", "text/plain", "application/cloudevents+json; charset=latin1", "application/cloudevents-batch+json", "application/xml", "application/cloudevents+json;charset=UTF-8"];

    private readonly Random _random = new(seed);

    public FuzzInput Next(int iteration)
    {
        var recipe = new List<string>();
        var batch = Chance(0.25);
        var count = batch ? _random.Next(1, 6) : 1;
        var events = new List<JsonObject>();
        for (var k = 0; k < count; k++)
        {
            var e = Seed($"fz-{iteration}-{k}", _random.Next(12));
            var mutations = _random.Next(0, 4);
            for (var m = 0; m < mutations; m++) recipe.Add(Mutate(e));
            events.Add(e);
        }

        if (batch && count > 1 && Chance(0.3))
        {
            events.Add((JsonObject)events[0].DeepClone());
            recipe.Add("repeat-id-in-batch");
        }

        JsonNode root = batch ? new JsonArray([.. events]) : events[0];
        var subjects = events.Select(e => e["subject"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList();
        var text = root.ToJsonString();
        var contentType = batch ? "application/cloudevents-batch+json" : "application/cloudevents+json";
        if (Chance(0.1))
        {
            contentType = Pick(ContentTypes);
            recipe.Add($"content-type {contentType}");
        }
        else if (Chance(0.02))
        {
            recipe.Add("no content-type");
            contentType = null!;
        }

        var body = RawMutations(text, recipe);
        return new FuzzInput(body, contentType, subjects, string.Join("; ", recipe));
    }

    private JsonObject Seed(string key, int kind)
    {
        var (type, data) = kind switch
        {
            0 => ("customer.registered", new JsonObject
            {
                ["name"] = "林晓", ["email"] = "lin@example.com", ["phone"] = "+8613800010001", ["locale"] = "zh-CN", ["timeZone"] = "Asia/Shanghai", ["birthday"] = "03-05",
                ["channels"] = new JsonObject { ["app_push"] = true, ["sms"] = new JsonObject { ["granted"] = true, ["marketing"] = true, ["at"] = "2025-03-01T00:00:00Z", ["address"] = "+8613800010001" } },
                ["attributes"] = new JsonObject { ["city"] = "杭州", ["vip"] = 1 }, ["tags"] = new JsonArray("tea", "new"),
            }),
            1 => ("customer.profile_updated", new JsonObject { ["birthday"] = "1990-07-18", ["timeZone"] = "Europe/London", ["removeTags"] = new JsonArray("new") }),
            2 => ("order.completed", new JsonObject
            {
                ["orderId"] = $"SO-{key}", ["amount"] = 159.9m, ["currency"] = "CNY",
                ["items"] = new JsonArray(new JsonObject { ["sku"] = "TEA", ["category"] = "tea", ["quantity"] = 2, ["price"] = 79.95m, ["useCycleDays"] = 30 }),
            }),
            3 => ("order.refunded", new JsonObject { ["orderId"] = $"SO-{key}", ["amount"] = 20 }),
            4 => ("referral.accepted", new JsonObject { ["referrerId"] = $"{key}-referrer", ["referralCode"] = "XM-1", ["deviceId"] = "dev-1", ["phone"] = "+8613800010002", ["paymentFingerprint"] = "pf-1" }),
            5 => ("customer.unsubscribed", new JsonObject { ["channel"] = "sms" }),
            6 => ("customer.consent_changed", new JsonObject { ["channel"] = "email", ["granted"] = true, ["marketing"] = false, ["source"] = "settings" }),
            7 => ("app.opened", new JsonObject { ["platform"] = "ios", ["screen"] = "home" }),
            8 => ("customer.checked_in", new JsonObject { ["streak"] = 3, ["place"] = "store-1" }),
            9 => ("coupon.redeemed", new JsonObject { ["code"] = "FIRST20", ["orderId"] = $"SO-{key}", ["amount"] = 20 }),
            10 => ("points.awarded", new JsonObject { ["points"] = 50, ["reason"] = "service" }),
            _ => ("cart.abandoned", new JsonObject { ["sku"] = "TEA", ["value"] = 12.5 }),
        };
        return new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = key,
            ["type"] = type,
            ["source"] = "fuzz",
            ["subject"] = key,
            ["time"] = "2025-03-03T09:30:00+08:00",
            ["data"] = data,
        };
    }

    private string Mutate(JsonObject e)
    {
        var (parent, name) = PickProperty(e);
        switch (_random.Next(10))
        {
            case 0:
                parent.Remove(name);
                return $"drop {name}";
            case 1:
                var value = parent[name];
                parent.Remove(name);
                var renamed = Pick([name.ToUpperInvariant(), name + " ", "", name + "\u0000", "$" + name, new string('k', 150)]);
                if (!parent.ContainsKey(renamed)) parent[renamed] = value;
                return $"rename {name}";
            case 2:
                parent[name] = OtherKind();
                return $"retype {name}";
            case 3:
                var numeric = PickNumericField(e) ?? (parent, name);
                numeric.Parent[numeric.Name] = JsonNode.Parse(Pick(Numbers));
                return $"number {numeric.Name}={numeric.Parent[numeric.Name]!.ToJsonString()}";
            case 4:
                e["time"] = Pick(Times);
                return $"time {e["time"]}";
            case 5:
                var target = Chance(0.5) ? (Parent: e, Name: Pick(["id", "subject", "type", "source"])) : (Parent: parent, Name: name);
                var fragment = Chance(0.05) ? new string('长', _random.Next(150, 3000)) : Pick(Texts);
                target.Parent[target.Name] = Chance(0.5) && target.Parent[target.Name] is JsonValue v && v.TryGetValue<string>(out var s) ? s + fragment : fragment;
                return $"text {target.Name}";
            case 6:
                var data = e["data"] as JsonObject ?? [];
                e["data"] = data;
                if (Chance(0.5)) data["birthday"] = Pick(Birthdays);
                else data["timeZone"] = Pick(Zones);
                return "profile field";
            case 7:
                var depth = _random.Next(5, 70);
                JsonNode inner = e["data"]?.DeepClone() ?? new JsonObject();
                for (var i = 0; i < depth; i++) inner = Chance(0.5) ? new JsonObject { ["n"] = inner } : new JsonArray(inner);
                if (e["data"] is JsonObject holder) holder["deep"] = inner;
                else e["data"] = new JsonObject { ["deep"] = inner };
                return $"nest {depth}";
            case 8:
                e["type"] = Pick(Types);
                return $"type {e["type"]}";
            default:
                parent[name] = parent[name]?.DeepClone();
                e["data"] = Chance(0.5) ? e["data"] : new JsonArray(1, 2);
                return "data shape";
        }
    }

    private byte[] RawMutations(string text, List<string> recipe)
    {
        if (Chance(0.06))
        {
            var at = text.IndexOf('{', StringComparison.Ordinal) + 1;
            var key = Pick(["id", "subject", "type", "time"]);
            text = text.Insert(at, $"\"{key}\":\"dup-{_random.Next(1000)}\",");
            recipe.Add($"duplicate key {key}");
        }

        if (Chance(0.06))
        {
            var quote = text.IndexOf("\":\"", _random.Next(Math.Max(1, text.Length / 2)), StringComparison.Ordinal);
            if (quote > 0)
            {
                text = text.Insert(quote + 3, Pick(["\\ud800", "\\udfff", "\\ud83d", "\\udc00\\ud800"]));
                recipe.Add("lone surrogate");
            }
        }

        if (Chance(0.01))
        {
            text = text.Replace("\"fuzz\"", "\"" + new string('x', 1_100_000) + "\"", StringComparison.Ordinal);
            recipe.Add("huge");
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (Chance(0.05))
        {
            bytes[_random.Next(bytes.Length)] = Pick<byte>([0xFF, 0xC3, 0x80, 0xED, 0xF8]);
            recipe.Add("invalid utf-8 byte");
        }

        if (Chance(0.03))
        {
            bytes = bytes[.._random.Next(bytes.Length)];
            recipe.Add("truncated");
        }

        if (Chance(0.02))
        {
            bytes = [0xEF, 0xBB, 0xBF, .. bytes];
            recipe.Add("bom");
        }

        return bytes;
    }

    private (JsonObject Parent, string Name) PickProperty(JsonObject e)
    {
        var all = new List<(JsonObject, string)>();
        void Walk(JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                all.Add((o, k));
                if (v is JsonObject child) Walk(child);
                else if (v is JsonArray a) foreach (var item in a.OfType<JsonObject>()) Walk(item);
            }
        }

        Walk(e);
        return all[_random.Next(all.Count)];
    }

    private (JsonObject Parent, string Name)? PickNumericField(JsonObject e)
    {
        if (e["data"] is not JsonObject data) return null;
        var names = new[] { "amount", "points", "streak" };
        if (data["items"] is JsonArray { Count: > 0 } items && items[0] is JsonObject item && Chance(0.4)) return (item, Pick(["price", "quantity", "useCycleDays"]));
        return (data, Pick(names));
    }

    private JsonNode? OtherKind() => _random.Next(7) switch
    {
        0 => null,
        1 => JsonValue.Create(Chance(0.5)),
        2 => JsonValue.Create(_random.Next(-5, 5)),
        3 => JsonValue.Create(Pick(Texts)),
        4 => new JsonObject { ["x"] = 1 },
        5 => new JsonArray(1, "two", null),
        _ => JsonValue.Create(_random.NextDouble().ToString(CultureInfo.InvariantCulture)),
    };

    private bool Chance(double p) => _random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
