using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;
using PrivateFlows.Workflows.Segments;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Templates;

/// <summary>Builds what expressions and templates see: customer, event, entry, vars, journey, now.</summary>
public static class ScriptModel
{
    public static ScriptObject For(CustomerProfile profile, CustomerEvent? @event, JourneyInstance? instance, DateTimeOffset now) =>
        For(profile, @event, instance, now, CustomerProgram.Default);

    /// <summary>The model as of <paramref name="now"/>: lifecycle, RFM, segments and loyalty figures are computed for that moment under <paramref name="program"/>.</summary>
    public static ScriptObject For(CustomerProfile profile, CustomerEvent? @event, JourneyInstance? instance, DateTimeOffset now, CustomerProgram program)
    {
        var model = new ScriptObject
        {
            ["customer"] = CachedCustomer(profile, now, program),
            ["event"] = @event is null ? null : CachedEvent(@event),
            ["entry"] = instance is null ? (@event is null ? null : CachedEvent(@event)) : CachedEvent(instance.EntryEvent),
            ["vars"] = Vars(instance),
            ["journey"] = instance is null ? null : new ScriptObject { ["name"] = instance.Journey, ["version"] = instance.Version },
            ["now"] = now.UtcDateTime,
        };
        return model;
    }

    // A decision evaluates many expressions against the same profile, event and instant. Records are immutable, so
    // the script objects built for them are memoized by reference, and frozen so no template can change a shared one.
    [ThreadStatic]
    private static (CustomerProfile Profile, DateTimeOffset Now, CustomerProgram Program, ScriptObject Model)? _customer;

    [ThreadStatic]
    private static (CustomerEvent Event, ScriptObject Model)? _event;

    [ThreadStatic]
    private static (CustomerEvent Event, ScriptObject Model)? _otherEvent;

    private static ScriptObject CachedCustomer(CustomerProfile profile, DateTimeOffset now, CustomerProgram program)
    {
        if (_customer is { } c && ReferenceEquals(c.Profile, profile) && c.Now == now && ReferenceEquals(c.Program, program)) return c.Model;
        var model = Customer(profile, now, program);
        Freeze(model);
        _customer = (profile, now, program, model);
        return model;
    }

    private static ScriptObject CachedEvent(CustomerEvent e)
    {
        if (_event is { } a && ReferenceEquals(a.Event, e)) return a.Model;
        if (_otherEvent is { } b && ReferenceEquals(b.Event, e)) return b.Model;
        var model = Event(e);
        Freeze(model);
        _otherEvent = _event;
        _event = (e, model);
        return model;
    }

    internal static void Freeze(object? value)
    {
        switch (value)
        {
            case ScriptObject o:
                foreach (var child in o.Values) Freeze(child);
                o.IsReadOnly = true;
                break;
            case ScriptArray a:
                foreach (var child in a) Freeze(child);
                a.IsReadOnly = true;
                break;
        }
    }

    /// <summary>The customer as of their last activity under the seed program (prefer the overload with a time).</summary>
    public static ScriptObject Customer(CustomerProfile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return Customer(p, p.LastActiveAt ?? p.Orders.LastAt ?? DateTimeOffset.UnixEpoch, CustomerProgram.Default);
    }

    /// <summary>
    /// <c>customer</c> as expressions see it as of <paramref name="now"/>: the profile plus <c>rfm {r, f, m, group, code,
    /// recency_days}</c>, <c>lifecycle</c>, <c>segments</c> (names of the named segments the customer is in),
    /// <c>activity</c>, <c>loyalty</c> and <c>referral_code</c>.
    /// </summary>
    public static ScriptObject Customer(CustomerProfile p, DateTimeOffset now, CustomerProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var customer = new LazyScriptObject();
        Fill(customer, p, now, program);
        // Evaluating every named segment costs more than the rest of a decision: only when an expression reads it.
        customer.SetLazy("segments", () => new ScriptArray(SegmentEvaluator.Memberships(p, now, program)));
        return customer;
    }

    /// <summary><c>customer</c> without <c>segments</c> (what segment expressions themselves see).</summary>
    public static ScriptObject CustomerFacts(CustomerProfile p, DateTimeOffset now, CustomerProgram program)
    {
        var customer = new ScriptObject();
        Fill(customer, p, now, program);
        return customer;
    }

    private static void Fill(ScriptObject customer, CustomerProfile p, DateTimeOffset now, CustomerProgram program)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(program);
        Basics(customer, p);

        // Derived figures are computed only when an expression reads them (most read one or two fields).
        void Set(string name, Func<object?> compute)
        {
            if (customer is LazyScriptObject lazy) lazy.SetLazy(name, compute);
            else customer[name] = compute();
        }

        Set("rfm", () =>
        {
            var rfm = RfmScoring.Score(p, now, program.Rfm);
            return new ScriptObject
            {
                ["r"] = rfm.R,
                ["f"] = rfm.F,
                ["m"] = rfm.M,
                ["group"] = rfm.Group,
                ["code"] = rfm.Code,
                ["recency_days"] = rfm.RecencyDays,
            };
        });
        Set("lifecycle", () => Lifecycle.Stage(p, now, program.Lifecycle));
        customer["recalled_from"] = p.LastRecall?.FromStage;
        customer["recalled_at"] = p.LastRecall?.At.UtcDateTime;
        Set("is_birthday_month", () => PointsEarning.InBirthdayMonth(p, now));
        Set("referral_code", () => ReferralCodes.For(p.CustomerId));
        customer["referred_by"] = p.ReferredBy?.ReferrerId;

        Set("activity", () =>
        {
            var counts = new ScriptObject();
            foreach (var (type, count) in p.Activity.Counts) counts[type] = count;
            return new ScriptObject
            {
                ["counts"] = counts,
                ["app_opens"] = p.Activity.Count(EventTypes.AppOpened),
                ["check_ins"] = p.Activity.Count(EventTypes.CheckedIn),
                ["check_in_streak"] = p.Activity.StreakAsOf(now, p.TimeZone),
                ["last_check_in_at"] = p.Activity.LastCheckInAt?.UtcDateTime,
            };
        });

        Set("loyalty", () =>
        {
            var loyalty = program.Loyalty;
            var next = MemberTiers.Next(p, loyalty, now);
            var expiry = p.Loyalty.NextExpiry;
            return new ScriptObject
            {
                ["qualifying"] = MemberTiers.Trailing(p.Loyalty, loyalty, now, p.TimeZone),
                ["basis"] = loyalty.TierBasis == TierBasis.Points ? "points" : "spend",
                ["next_tier"] = next?.Tier.Name,
                ["to_next_tier"] = next?.Missing,
                ["expiring_points"] = expiry is { } x ? p.Loyalty.ExpiringAt(x) : 0L,
                ["expiring_at"] = expiry?.UtcDateTime,
                ["points_value"] = loyalty.Redemption.Value(Math.Max(0, p.Points)),
            };
        });
    }

    private static void Basics(ScriptObject customer, CustomerProfile p)
    {
        var channels = new ScriptObject();
        foreach (var (name, consent) in p.Channels)
        {
            channels[name] = new ScriptObject { ["granted"] = consent.Granted, ["marketing"] = consent.Marketing };
        }

        var attributes = new ScriptObject();
        foreach (var (k, v) in p.Attributes) attributes[k] = MessageLimits.Cut(v, MessageLimits.ProfileText);
        var basics = customer;
        basics.SetValue("id", p.CustomerId, false);
        var more = new ScriptObject
        {
            ["name"] = MessageLimits.Cut(p.Name, MessageLimits.ProfileText),
            ["email"] = MessageLimits.Cut(p.Email, MessageLimits.ProfileText),
            ["phone"] = MessageLimits.Cut(p.Phone, MessageLimits.ProfileText),
            ["locale"] = MessageLimits.Cut(p.Locale, MessageLimits.ProfileText),
            ["time_zone"] = MessageLimits.Cut(p.TimeZone, MessageLimits.ProfileText),
            ["birthday"] = Birthdays.Valid(p.Birthday), // an impossible one stored before validation counts as none
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
                ["refunds"] = p.Orders.Refunds,
                ["refunded"] = p.Orders.Refunded,
            },
            ["points"] = p.Points,
            ["tier"] = p.Tier,
            ["registered_at"] = p.RegisteredAt?.UtcDateTime,
            ["last_active_at"] = p.LastActiveAt?.UtcDateTime,
        };
        foreach (var (k, v) in more) basics[k] = v;
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
