using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Templates;

/// <summary>Builds what expressions and templates see: customer, event, entry, vars, journey, now.</summary>
public static class ScriptModel
{
    public static ScriptObject For(CustomerProfile profile, CustomerEvent? @event, JourneyInstance? instance, DateTimeOffset now)
    {
        var model = new ScriptObject
        {
            ["customer"] = Customer(profile),
            ["event"] = @event is null ? null : Event(@event),
            ["entry"] = instance is null ? (@event is null ? null : Event(@event)) : Event(instance.EntryEvent),
            ["vars"] = Vars(instance),
            ["journey"] = instance is null ? null : new ScriptObject { ["name"] = instance.Journey, ["version"] = instance.Version },
            ["now"] = now.UtcDateTime,
        };
        return model;
    }

    public static ScriptObject Customer(CustomerProfile p)
    {
        var channels = new ScriptObject();
        foreach (var (name, consent) in p.Channels)
        {
            channels[name] = new ScriptObject { ["granted"] = consent.Granted, ["marketing"] = consent.Marketing };
        }

        var attributes = new ScriptObject();
        foreach (var (k, v) in p.Attributes) attributes[k] = v;
        return new ScriptObject
        {
            ["id"] = p.CustomerId,
            ["name"] = p.Name,
            ["email"] = p.Email,
            ["phone"] = p.Phone,
            ["locale"] = p.Locale,
            ["time_zone"] = p.TimeZone,
            ["birthday"] = p.Birthday,
            ["tags"] = new ScriptArray(p.Tags),
            ["attributes"] = attributes,
            ["channels"] = channels,
            ["orders"] = new ScriptObject
            {
                ["count"] = p.Orders.Count,
                ["total"] = p.Orders.Total,
                ["net"] = p.Orders.Net,
                ["first_at"] = p.Orders.FirstAt?.UtcDateTime,
                ["last_at"] = p.Orders.LastAt?.UtcDateTime,
            },
            ["points"] = p.Points,
            ["tier"] = p.Tier,
            ["registered_at"] = p.RegisteredAt?.UtcDateTime,
            ["last_active_at"] = p.LastActiveAt?.UtcDateTime,
        };
    }

    public static ScriptObject Event(CustomerEvent e) => new()
    {
        ["id"] = e.Id,
        ["type"] = e.Type,
        ["time"] = e.Time.UtcDateTime,
        ["subject"] = e.Subject,
        ["data"] = Json(e.Data),
    };

    private static ScriptObject Vars(JourneyInstance? instance)
    {
        var vars = new ScriptObject();
        if (instance is null) return vars;
        foreach (var (k, v) in instance.Vars) vars[k] = v;
        vars["variant"] = instance.Variant;
        return vars;
    }

    public static object? Json(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => ToObject(o),
        JsonArray a => new ScriptArray(a.Select(Json)),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.TryGetValue<long>(out var l) ? l : decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => v.ToJsonString(),
        },
        _ => null,
    };

    private static ScriptObject ToObject(JsonObject o)
    {
        var obj = new ScriptObject();
        foreach (var (k, v) in o) obj[k] = Json(v);
        return obj;
    }

    /// <summary>Formats an expression result the way it is stored in instance variables and compared in matches.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
