using System.Collections.Immutable;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Templates;
using static PrivateFlows.Workflows.Conditions.ExpressionValue;

namespace PrivateFlows.Workflows.Conditions;

/// <summary>
/// Reads a member path (<c>customer.orders.count</c>, <c>event.data.amount</c>, <c>vars.coupon_code</c>) from typed
/// inputs, giving exactly the value (and .NET type) the script model holds there. Paths it does not know are not
/// compiled (the interpreter evaluates them); values it cannot give as plain values (objects, arrays used as values)
/// are <see cref="ExpressionValue.Unsupported"/>.
/// </summary>
internal static class ModelPaths
{
    /// <summary>A list value (<c>customer.tags</c>, <c>customer.segments</c>), only usable by <c>array.contains</c>.</summary>
    internal sealed class StringList(IEnumerable<string> items)
    {
        public IEnumerable<string> Items { get; } = items;
    }

    /// <summary>A JSON object or list from event data, only usable by member access and <c>array.first</c>.</summary>
    internal sealed class JsonPart(JsonNode node)
    {
        public JsonNode Node { get; } = node;
    }

    /// <summary>A JSON node as the script model holds it: plain values converted, objects and lists wrapped.</summary>
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v => ScriptModel.Json(v),
        _ => new JsonPart(node),
    };

    public static ExpressionPart? Compile(string root, IReadOnlyList<string> path) => root switch
    {
        "customer" => Customer(path),
        "event" => path.Count == 0 ? null : EventPath(static i => i.ForSegments ? null : i.Event, path),
        "entry" => path.Count == 0 ? null : EventPath(static i => i.ForSegments ? null : i.Entry, path),
        "vars" => path.Count == 1 ? Var(path[0]) : null,
        "journey" => path.Count == 1 ? Journey(path[0]) : null,
        "now" => path.Count == 0 ? static i => i.Now.UtcDateTime : null,
        _ => null,
    };

    private static ExpressionPart? Var(string name)
    {
        // vars is an empty object without an instance, and missing in a segment rule (a member of nothing is an error).
        if (name == "variant") return i => i.ForSegments ? Unsupported : i.Instance?.Variant;
        return i => i.ForSegments ? Unsupported : i.Instance?.Vars.GetValueOrDefault(name);
    }

    private static ExpressionPart? Journey(string member) => member switch
    {
        "name" => static i => i.ForSegments || i.Instance is null ? Unsupported : i.Instance.Journey,
        "version" => static i => i.ForSegments || i.Instance is null ? Unsupported : i.Instance.Version,
        _ => null,
    };

    private static object? Date(DateTimeOffset? at) => at?.UtcDateTime;

    private static string? Text(string? text) => MessageLimits.Cut(text, MessageLimits.ProfileText);

    private static ExpressionPart? Customer(IReadOnlyList<string> path)
    {
        if (path.Count == 1)
        {
            return path[0] switch
            {
                "id" => static i => i.Profile.CustomerId,
                "name" => static i => Text(i.Profile.Name),
                "email" => static i => Text(i.Profile.Email),
                "phone" => static i => Text(i.Profile.Phone),
                "locale" => static i => Text(i.Profile.Locale),
                "time_zone" => static i => Text(i.Profile.TimeZone),
                "birthday" => static i => Birthdays.Valid(i.Profile.Birthday),
                "tags" => static i => new StringList(i.Profile.Tags),
                "points" => static i => i.Profile.Points,
                "tier" => static i => i.Profile.Tier,
                "registered_at" => static i => Date(i.Profile.RegisteredAt),
                "last_active_at" => static i => Date(i.Profile.LastActiveAt),
                "lifecycle" => static i => i.Figures.Lifecycle,
                "recalled_from" => static i => i.Profile.LastRecall?.FromStage,
                "recalled_at" => static i => Date(i.Profile.LastRecall?.At),
                "is_birthday_month" => static i => Box(i.Figures.IsBirthdayMonth),
                "referred_by" => static i => i.Profile.ReferredBy?.ReferrerId,
                "segments" => static i => i.ForSegments ? null : i.Figures.SegmentNames is { } names ? new StringList(names) : null,
                _ => null,
            };
        }

        if (path.Count == 2)
        {
            var member = path[1];
            switch (path[0])
            {
                case "orders":
                    return member switch
                    {
                        "count" => static i => i.Profile.Orders.Count,
                        "total" => static i => i.Profile.Orders.Total,
                        "net" => static i => i.Profile.Orders.Net,
                        "first_at" => static i => Date(i.Profile.Orders.FirstAt),
                        "last_at" => static i => Date(i.Profile.Orders.LastAt),
                        "refunds" => static i => i.Profile.Orders.Refunds,
                        "refunded" => static i => i.Profile.Orders.Refunded,
                        _ => null,
                    };
                case "rfm":
                    return member switch
                    {
                        "r" => static i => i.Figures.Rfm.R,
                        "f" => static i => i.Figures.Rfm.F,
                        "m" => static i => i.Figures.Rfm.M,
                        "group" => static i => i.Figures.Rfm.Group,
                        "code" => static i => i.Figures.Rfm.Code,
                        "recency_days" => static i => i.Figures.Rfm.RecencyDays,
                        _ => null,
                    };
                case "attributes":
                    return i => i.Profile.Attributes.TryGetValue(member, out var value) ? Text(value) : null;
                case "activity":
                    return member switch
                    {
                        "app_opens" => static i => i.Profile.Activity.Count(EventTypes.AppOpened),
                        "check_ins" => static i => i.Profile.Activity.Count(EventTypes.CheckedIn),
                        "check_in_streak" => static i => i.Profile.Activity.StreakAsOf(i.Now, i.Profile.TimeZone),
                        "last_check_in_at" => static i => Date(i.Profile.Activity.LastCheckInAt),
                        _ => null,
                    };
            }

            return null;
        }

        if (path.Count == 3 && path[0] == "channels" && path[2] is "granted" or "marketing")
        {
            var channel = path[1];
            var granted = path[2] == "granted";
            return i => i.Profile.Channels.TryGetValue(channel, out var consent) ? Box(granted ? consent.Granted : consent.Marketing) : Unsupported;
        }

        if (path.Count == 3 && path[0] == "activity" && path[1] == "counts")
        {
            var type = path[2];
            return i => i.Profile.Activity.Counts.TryGetValue(type, out var count) ? count : null;
        }

        return null;
    }

    private static ExpressionPart? EventPath(Func<ExpressionInputs, CustomerEvent?> pick, IReadOnlyList<string> path)
    {
        if (path.Count == 1)
        {
            return path[0] switch
            {
                "id" => i => pick(i) is { } e ? e.Id : Unsupported,
                "type" => i => pick(i) is { } e ? e.Type : Unsupported,
                "time" => i => pick(i) is { } e ? e.Time.UtcDateTime : Unsupported,
                "subject" => i => pick(i) is { } e ? e.Subject : Unsupported,
                _ => null,
            };
        }

        if (path[0] != "data") return null;
        var fields = path.Skip(1).ToArray();
        return i =>
        {
            if (pick(i) is not { } e) return Unsupported; // a member of a missing event: Scriban reports it
            JsonNode? node = e.Data;
            foreach (var field in fields)
            {
                switch (node)
                {
                    case null:
                        return Unsupported; // a member of nothing: Scriban reports it
                    case JsonObject o:
                        node = o.TryGetPropertyValue(field, out var child) ? child : null;
                        break;
                    default:
                        return Unsupported; // a member of a list or a plain value: the interpreter knows
                }
            }

            return FromJson(node);
        };
    }
}
