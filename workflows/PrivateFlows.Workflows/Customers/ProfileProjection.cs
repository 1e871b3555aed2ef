using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace PrivateFlows.Workflows.Customers;

/// <summary>How each event changes what we know about the customer. Pure: the event's own time is the only clock.</summary>
public static class ProfileProjection
{
    private static readonly string[] InteractionTypes = [EventTypes.AppOpened, EventTypes.CheckedIn, EventTypes.CouponRedeemed];

    public static CustomerProfile Apply(CustomerProfile profile, CustomerEvent e)
    {
        var p = profile;
        switch (e.Type)
        {
            case EventTypes.Registered:
                p = Details(p, e) with { RegisteredAt = p.RegisteredAt ?? e.Time, LastActiveAt = Later(p.LastActiveAt, e.Time) };
                break;
            case EventTypes.ProfileUpdated:
                p = Details(p, e);
                break;
            case EventTypes.OrderCompleted:
                var amount = e.DataDecimal("amount") ?? 0m;
                var o = p.Orders;
                p = p with
                {
                    Orders = o with
                    {
                        Count = o.Count + 1,
                        Total = o.Total + amount,
                        FirstAt = o.FirstAt is { } f && f <= e.Time ? f : e.Time,
                        LastAt = Later(o.LastAt, e.Time),
                    },
                    LastActiveAt = Later(p.LastActiveAt, e.Time),
                };
                break;
            case EventTypes.OrderRefunded:
                p = p with { Orders = p.Orders with { Refunded = p.Orders.Refunded + (e.DataDecimal("amount") ?? 0m) } };
                break;
            case EventTypes.Unsubscribed:
                var only = e.DataString("channel");
                var channels = p.Channels;
                foreach (var (name, consent) in p.Channels)
                {
                    if (only is null || only == name) channels = channels.SetItem(name, consent with { Marketing = false, Source = "unsubscribe", At = e.Time });
                }

                if (only is not null && !channels.ContainsKey(only))
                {
                    channels = channels.SetItem(only, new ChannelConsent(false, false, "unsubscribe", e.Time));
                }

                p = p with { Channels = channels };
                break;
            case EventTypes.ConsentChanged:
                var channel = e.DataString("channel");
                if (channel is not null)
                {
                    var granted = Bool(e.Data, "granted") ?? false;
                    var marketing = Bool(e.Data, "marketing") ?? granted;
                    var existing = p.Channels.GetValueOrDefault(channel);
                    p = p with { Channels = p.Channels.SetItem(channel, new ChannelConsent(granted, granted && marketing, e.DataString("source") ?? "consent_changed", e.Time, existing?.Address)) };
                }

                break;
        }

        if (InteractionTypes.Contains(e.Type)) p = p with { LastActiveAt = Later(p.LastActiveAt, e.Time) };
        return p;
    }

    private static CustomerProfile Details(CustomerProfile p, CustomerEvent e)
    {
        p = p with
        {
            Name = e.DataString("name") ?? p.Name,
            Email = e.DataString("email") ?? p.Email,
            Phone = e.DataString("phone") ?? p.Phone,
            Locale = e.DataString("locale") ?? p.Locale,
            TimeZone = e.DataString("timeZone") ?? p.TimeZone,
            Birthday = e.DataString("birthday") ?? p.Birthday,
        };
        if (e.Data["channels"] is JsonObject channels)
        {
            var map = p.Channels;
            foreach (var (name, value) in channels)
            {
                var (granted, marketing) = value switch
                {
                    JsonValue v when v.TryGetValue<bool>(out var b) => (b, b),
                    JsonObject o => (Bool(o, "granted") ?? true, Bool(o, "marketing") ?? Bool(o, "granted") ?? true),
                    _ => (false, false),
                };
                map = map.SetItem(name, new ChannelConsent(granted, granted && marketing, e.Type, e.Time, map.GetValueOrDefault(name)?.Address));
            }

            p = p with { Channels = map };
        }

        if (e.Data["attributes"] is JsonObject attributes)
        {
            p = p with { Attributes = p.Attributes.SetItems(attributes.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.ToString() ?? ""))) };
        }

        if (e.Data["tags"] is JsonArray tags)
        {
            p = p with { Tags = p.Tags.Union(tags.Select(t => t?.ToString()).OfType<string>()) };
        }

        if (e.Data["removeTags"] is JsonArray removed)
        {
            p = p with { Tags = p.Tags.Except(removed.Select(t => t?.ToString()).OfType<string>()) };
        }

        return p;
    }

    private static bool? Bool(JsonObject o, string field) =>
        o[field] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
}
