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

    /// <summary>
    /// The model with only the parts <paramref name="reads"/> says a template reads, and <c>now</c>: a template cannot
    /// tell it from the full one (anything it could enumerate is read whole, and so built whole), and most read a name
    /// and a variable or two of a model that costs kilobytes to build.
    /// </summary>
    internal static ScriptObject For(CustomerProfile profile, CustomerEvent? @event, JourneyInstance? instance, DateTimeOffset now, CustomerProgram program, TemplateReads reads)
    {
        if (reads.IsEverything)
        {
            var full = For(profile, @event, instance, now, program);
            if (full["customer"] is ScriptObject customer) Whole(customer);
            return full;
        }

        var model = new ScriptObject();
        if (reads.Reads("customer"))
        {
            model["customer"] = reads.ReadsWhole("customer") ? Whole(CachedCustomer(profile, now, program)) : PartOfCustomer(profile, now, program, reads.Members("customer"));
        }

        if (reads.Reads("event")) model["event"] = EventPart(@event, reads, "event");
        if (reads.Reads("entry")) model["entry"] = EventPart(instance is null ? @event : instance.EntryEvent, reads, "entry");
        if (reads.Reads("vars")) model["vars"] = reads.ReadsWhole("vars") ? Vars(instance) : PartOfVars(instance, reads.Members("vars"));
        if (reads.Reads("journey")) model["journey"] = instance is null ? null : new ScriptObject { ["name"] = instance.Journey, ["version"] = instance.Version };
        model["now"] = now.UtcDateTime;
        return model;
    }

    /// <summary>
    /// A customer a template reads whole (loops over, prints, passes on) with every lazy member computed: enumerating
    /// lists only the members computed so far, and the cached customer is shared, so without this what such a template
    /// shows would depend on what earlier renders on the thread happened to read.
    /// </summary>
    private static ScriptObject Whole(ScriptObject customer)
    {
        if (customer is LazyScriptObject lazy) lazy.MaterializeAll();
        return customer;
    }

    private static ScriptObject PartOfCustomer(CustomerProfile profile, DateTimeOffset now, CustomerProgram program, IReadOnlyCollection<string> members)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(program);
        var customer = new ScriptObject();
        foreach (var member in members)
        {
            var value = CustomerMember(member, profile, now, program);
            if (!ReferenceEquals(value, NoMember)) customer[member] = value;
        }

        Freeze(customer); // as the full one: no template changes what the next one sees
        return customer;
    }

    private static ScriptObject? EventPart(CustomerEvent? e, TemplateReads reads, string root)
    {
        if (e is null) return null;
        if (reads.ReadsWhole(root)) return CachedEvent(e);
        var part = new ScriptObject();
        foreach (var member in reads.Members(root))
        {
            switch (member)
            {
                case "id": part["id"] = e.Id; break;
                case "type": part["type"] = e.Type; break;
                case "time": part["time"] = e.Time.UtcDateTime; break;
                case "subject": part["subject"] = e.Subject; break;
                case "data": part["data"] = Json(e.Data); break;
            }
        }

        Freeze(part);
        return part;
    }

    private static ScriptObject PartOfVars(JourneyInstance? instance, IReadOnlyCollection<string> members)
    {
        var vars = new ScriptObject();
        if (instance is null) return vars;
        foreach (var member in members)
        {
            if (member == "variant") vars["variant"] = instance.Variant;
            else if (instance.Vars.TryGetValue(member, out var value)) vars[member] = value;
        }

        return vars;
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
        customer.SetLazy(Segments, () => CustomerMember(Segments, p, now, program));
        return customer;
    }

    /// <summary><c>customer</c> without <c>segments</c> (what segment expressions themselves see).</summary>
    public static ScriptObject CustomerFacts(CustomerProfile p, DateTimeOffset now, CustomerProgram program)
    {
        var customer = new ScriptObject();
        Fill(customer, p, now, program);
        return customer;
    }

    private const string Segments = "segments";

    // The members of customer in the order the model has always had them (a template printing customer shows them so);
    // derived ones are computed only when an expression reads them (most read one or two fields).
    private static readonly (string Name, bool Derived)[] CustomerMembers =
    [
        ("id", false), ("name", false), ("email", false), ("phone", false), ("locale", false), ("time_zone", false),
        ("birthday", false), ("tags", false), ("attributes", false), ("channels", false), ("orders", false),
        ("points", false), ("tier", false), ("registered_at", false), ("last_active_at", false),
        ("rfm", true), ("lifecycle", true), ("recalled_from", false), ("recalled_at", false), ("is_birthday_month", true),
        ("referral_code", true), ("referred_by", false), ("activity", true), ("loyalty", true),
    ];

    private static void Fill(ScriptObject customer, CustomerProfile p, DateTimeOffset now, CustomerProgram program)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(program);
        foreach (var (name, derived) in CustomerMembers)
        {
            if (derived && customer is LazyScriptObject lazy) lazy.SetLazy(name, () => CustomerMember(name, p, now, program));
            else customer[name] = CustomerMember(name, p, now, program);
        }
    }

    /// <summary>One member of <c>customer</c>; <see cref="NoMember"/> for a name the model does not have.</summary>
    private static object? CustomerMember(string name, CustomerProfile p, DateTimeOffset now, CustomerProgram program)
    {
        switch (name)
        {
            case "id": return p.CustomerId;
            case "name": return MessageLimits.Cut(p.Name, MessageLimits.ProfileText);
            case "email": return MessageLimits.Cut(p.Email, MessageLimits.ProfileText);
            case "phone": return MessageLimits.Cut(p.Phone, MessageLimits.ProfileText);
            case "locale": return MessageLimits.Cut(p.Locale, MessageLimits.ProfileText);
            case "time_zone": return MessageLimits.Cut(p.TimeZone, MessageLimits.ProfileText);
            case "birthday": return Birthdays.Valid(p.Birthday); // an impossible one stored before validation counts as none
            case "tags": return new ScriptArray(p.Tags);
            case "attributes":
                var attributes = new ScriptObject();
                foreach (var (k, v) in p.Attributes) attributes[k] = MessageLimits.Cut(v, MessageLimits.ProfileText);
                return attributes;
            case "channels":
                var channels = new ScriptObject();
                foreach (var (channel, consent) in p.Channels)
                {
                    channels[channel] = new ScriptObject { ["granted"] = consent.Granted, ["marketing"] = consent.Marketing };
                }

                return channels;
            case "orders":
                return new ScriptObject
                {
                    ["count"] = p.Orders.Count,
                    ["total"] = p.Orders.Total,
                    ["net"] = p.Orders.Net,
                    ["first_at"] = p.Orders.FirstAt?.UtcDateTime,
                    ["last_at"] = p.Orders.LastAt?.UtcDateTime,
                    ["refunds"] = p.Orders.Refunds,
                    ["refunded"] = p.Orders.Refunded,
                };
            case "points": return p.Points;
            case "tier": return p.Tier;
            case "registered_at": return p.RegisteredAt?.UtcDateTime;
            case "last_active_at": return p.LastActiveAt?.UtcDateTime;
            case "rfm":
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
            case "lifecycle": return Lifecycle.Stage(p, now, program.Lifecycle);
            case "recalled_from": return p.LastRecall?.FromStage;
            case "recalled_at": return p.LastRecall?.At.UtcDateTime;
            case "is_birthday_month": return PointsEarning.InBirthdayMonth(p, now);
            case "referral_code": return ReferralCodes.For(p.CustomerId);
            case "referred_by": return p.ReferredBy?.ReferrerId;
            case "activity":
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
            case "loyalty":
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
            case Segments: return new ScriptArray(SegmentEvaluator.Memberships(p, now, program));
            default: return NoMember;
        }
    }

    /// <summary>Stands for a member the model does not have (a template reading it gets null, as from the full model).</summary>
    private static readonly object NoMember = new();

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
