using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;

namespace PrivateFlows.Workflows.Customers;

/// <summary>Reads a customer profile from the JSON shape used by examples, the CLI and the API.</summary>
public static class CustomerProfileReader
{
    public static CustomerProfile Read(string json)
    {
        var o = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("a customer profile must be a JSON object");
        string? Text(string name) => o[name]?.GetValue<string>();
        var id = Text("customerId") ?? Text("id") ?? throw new FormatException("customerId is required");
        var profile = new CustomerProfile
        {
            CustomerId = id,
            Name = Text("name"),
            Email = Text("email"),
            Phone = Text("phone"),
            Locale = Text("locale") ?? "zh-CN",
            TimeZone = Text("timeZone") ?? "Asia/Shanghai",
            Birthday = Text("birthday"),
            Tier = Text("tier") ?? "member",
            Points = o["points"] is JsonValue pts ? pts.GetValue<long>() : 0,
        };
        if (o["channels"] is JsonObject channels)
        {
            var map = ImmutableSortedDictionary<string, ChannelConsent>.Empty;
            foreach (var (name, node) in channels)
            {
                if (node is JsonValue v && v.TryGetValue<bool>(out var b))
                {
                    map = map.SetItem(name, new ChannelConsent(b, b, "profile", DateTimeOffset.UnixEpoch));
                }
                else if (node is JsonObject c)
                {
                    var granted = c["granted"]?.GetValue<bool>() ?? true;
                    var marketing = c["marketing"]?.GetValue<bool>() ?? granted;
                    var at = c["at"]?.GetValue<string>() is { } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : DateTimeOffset.UnixEpoch;
                    map = map.SetItem(name, new ChannelConsent(granted, granted && marketing, c["source"]?.GetValue<string>() ?? "profile", at, c["address"]?.GetValue<string>()));
                }
            }

            profile = profile with { Channels = map };
        }

        if (o["tags"] is JsonArray tags) profile = profile with { Tags = [.. tags.Select(t => t!.GetValue<string>())] };
        if (o["attributes"] is JsonObject attributes)
        {
            profile = profile with { Attributes = attributes.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "", StringComparer.Ordinal) };
        }

        if (o["orders"] is JsonObject orders)
        {
            profile = profile with
            {
                Orders = new OrdersSummary(
                    orders["count"]?.GetValue<int>() ?? 0,
                    orders["total"]?.GetValue<decimal>() ?? 0m,
                    orders["refunded"]?.GetValue<decimal>() ?? 0m,
                    orders["firstAt"]?.GetValue<string>() is { } f ? DateTimeOffset.Parse(f, CultureInfo.InvariantCulture) : null,
                    orders["lastAt"]?.GetValue<string>() is { } l ? DateTimeOffset.Parse(l, CultureInfo.InvariantCulture) : null),
            };
        }

        return profile;
    }
}
