using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Conditions;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Segments;
using PrivateFlows.Workflows.Tests.Support;

namespace PrivateFlows.Workflows.Tests.Conditions;

/// <summary>Seeded generators of customers, events, instances and expressions for the compiled-vs-interpreted property tests.</summary>
internal sealed class ExpressionSamples(int seed)
{
    private readonly Random _random = new(seed);

    private T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    private bool Coin(int percent = 50) => _random.Next(100) < percent;

    private static readonly DateTimeOffset Base = new(2026, 6, 15, 8, 0, 0, TimeSpan.Zero);

    private DateTimeOffset? SomeTime(int nullPercent = 30) => Coin(nullPercent) ? null : Base.AddDays(-_random.Next(0, 400)).AddMinutes(_random.Next(0, 1440));

    public static readonly string[] Tiers = ["member", "silver", "gold", "platinum", ""];
    public static readonly string[] TagNames = ["fraud-suspect", "win-back-contacted", "vip", "新客", "Vip"];
    public static readonly string[] AttributeNames = ["repurchase_nudge_paused_until", "city", "score"];

    public CustomerProfile Profile()
    {
        var orders = _random.Next(0, 6);
        var total = orders == 0 ? 0m : Pick(0m, 9.9m, 120m, 999.5m, 15000m);
        var registered = SomeTime(20);
        return new CustomerProfile
        {
            CustomerId = $"c-{_random.Next(1000)}",
            Name = Pick<string?>(null, "", "林晓", "Ann", new string('x', 300)),
            Email = Pick<string?>(null, "a@example.com", ""),
            Phone = Pick<string?>(null, "13800000000"),
            Locale = Pick("zh-CN", "en-US", "zh", "", "ZH-cn", "en"),
            TimeZone = Pick("Asia/Shanghai", "Europe/Paris", "America/New_York"),
            Birthday = Pick<string?>(null, "", "1990-06-20", "02-30", "12-01", "06-15"),
            Tags = [.. TagNames.Where(_ => Coin(30))],
            Attributes = AttributeNames.Where(_ => Coin(40)).ToImmutableSortedDictionary(a => a, _ => Pick("", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z", "42", "abc")),
            Channels = new[] { Channels.Email, Channels.Sms, "wecom" }.Where(_ => Coin(50))
                .ToImmutableSortedDictionary(c => c, _ => new ChannelConsent(Coin(80), Coin(60), "test", Base)),
            Orders = new OrdersSummary(orders, total, orders > 0 && Coin(30) ? Pick(total, total / 2, 1m) : 0m, orders > 0 ? Base.AddDays(-_random.Next(100, 500)) : null, orders > 0 ? Base.AddDays(-_random.Next(0, 400)) : null)
            {
                Refunds = Coin(20) ? _random.Next(1, 3) : 0,
            },
            Points = Pick(0L, 10L, 5000L, -3L, long.MaxValue),
            Tier = Pick(Tiers),
            LastRecall = Coin(20) ? new Recall(Base.AddDays(-_random.Next(0, 60)), Pick("dormant", "churned", "at-risk"), _random.Next(30, 200)) : null,
            RegisteredAt = registered,
            LastActiveAt = SomeTime(30),
        };
    }

    public CustomerEvent Event()
    {
        var data = new JsonObject();
        if (Coin(70)) data["amount"] = Pick<JsonNode?>(JsonValue.Create(0), JsonValue.Create(128), JsonValue.Create(-5), JsonValue.Create(99.5m), JsonValue.Create("12"), JsonValue.Create(true), null, JsonValue.Create(1e20));
        if (Coin(60)) data["channel"] = Pick<JsonNode?>(null, JsonValue.Create(""), JsonValue.Create("wechat"), JsonValue.Create(5));
        if (Coin(50)) data["referrerId"] = Pick<JsonNode?>(null, JsonValue.Create(""), JsonValue.Create("c-7"));
        if (Coin(50)) data["orderId"] = Pick<JsonNode?>(JsonValue.Create("o-1"), JsonValue.Create("o-2"), JsonValue.Create(17));
        if (Coin(50))
        {
            data["items"] = JsonNode.Parse(Pick(
                """[{"sku":"A","useCycleDays":20,"quantity":2}]""",
                """[{"sku":"B","useCycleDays":45,"quantity":1},{"sku":"C"}]""",
                """[{"sku":"D","useCycleDays":2.5,"quantity":"3"}]""",
                """[{"sku":"E","useCycleDays":4000000000,"quantity":4000000000}]""",
                """[{"sku":"F","useCycleDays":null}]""",
                """[null]""",
                """[7]""",
                """[]"""));
        }
        if (Coin(20)) data["meta"] = JsonNode.Parse("""{"source":"app","depth":{"n":3}}""");
        if (Coin(5)) data["long"] = new string('y', 4_100);
        var time = Base.AddMinutes(-_random.Next(0, 60 * 24 * 30));
        return new CustomerEvent($"e-{_random.Next(100_000)}", Pick(EventTypes.OrderCompleted, EventTypes.Registered, "referral.accepted"), "c-1", time, data);
    }

    public JourneyInstance? Instance(CustomerEvent entry)
    {
        if (Coin(40)) return null;
        var vars = ImmutableSortedDictionary<string, string>.Empty;
        if (Coin(50)) vars = vars.SetItem("referral_held", Pick("true", "false", ""));
        if (Coin(50)) vars = vars.SetItem("coupon_code", "WELCOME-1");
        if (Coin(30)) vars = vars.SetItem("variant", "stale");
        return new JourneyInstance
        {
            InstanceId = "i-1",
            CustomerId = "c-1",
            Journey = Pick("onboarding", "win-back"),
            Version = "v1",
            EntryEvent = entry,
            StartedAt = Base,
            Variant = Pick<string?>(null, "a", "holdout"),
            Vars = vars,
        };
    }

    public ExpressionInputs Inputs(out bool forSegment)
    {
        var profile = Profile();
        var now = Base.AddMinutes(_random.Next(0, 60 * 24 * 3));
        forSegment = Coin(20);
        if (forSegment) return ExpressionInputs.ForSegment(profile, now, CustomerProgram.Default);
        var @event = Coin(90) ? Event() : null;
        var instance = Instance(@event ?? Event());
        return ExpressionInputs.For(profile, @event ?? instance?.EntryEvent, instance, now, CustomerProgram.Default);
    }

    /// <summary>Every expression in the built-in journeys and the segment catalog.</summary>
    public static IReadOnlyList<string> BuiltInExpressions()
    {
        var found = new List<string?>();
        foreach (var journey in BuiltIn.All.Select(j => j.Definition))
        {
            found.Add(journey.Entry.Condition);
            found.Add(journey.Entry.Segment);
            found.Add(journey.Goal?.Condition);
            found.AddRange(journey.Exits.Select(x => x.Condition));
            foreach (var step in journey.Steps)
            {
                switch (step)
                {
                    case BranchStep b: found.AddRange(b.Cases.Select(c => c.When)); break;
                    case WaitForStep w: found.Add(w.Condition); found.AddRange(w.Match.Values); break;
                    case WaitStep w: found.Add(w.DaysExpression); break;
                    case WaitUntilStep u: found.Add(u.DateExpression); break;
                    case SetAttributeStep a: found.Add(a.Value); break;
                    case AwardPointsStep p: found.Add(p.Points); break;
                    case ReferralRewardStep r: found.Add(r.HoldWhen); break;
                }
            }
        }

        found.AddRange(SegmentCatalog.All().Select(s => s.Expression));
        return [.. found.OfType<string>().Distinct(StringComparer.Ordinal)];
    }

    private static readonly string[] Paths =
    [
        "customer.id", "customer.name", "customer.locale", "customer.birthday", "customer.tier", "customer.points", "customer.lifecycle",
        "customer.orders.count", "customer.orders.total", "customer.orders.net", "customer.orders.refunds", "customer.orders.refunded",
        "customer.orders.first_at", "customer.registered_at", "customer.recalled_from", "customer.is_birthday_month", "customer.referred_by",
        "customer.rfm.group", "customer.rfm.r", "customer.rfm.recency_days", "customer.rfm.code", "customer.activity.check_in_streak",
        "customer.activity.counts[\"app.opened\"]", "customer.activity.app_opens", "customer.attributes.repurchase_nudge_paused_until", "customer.attributes.score",
        "customer.attributes.missing", "customer.channels.email.granted", "customer.channels.sms.marketing", "customer.nope",
        "event.type", "event.id", "event.time", "event.data.amount", "event.data.channel", "event.data.referrerId", "event.data.orderId",
        "event.data.items", "event.data.meta.source", "event.data.meta.depth.n", "event.data.amount.x", "event.data.long", "event.data.missing.deeper",
        "entry.data.orderId", "entry.type", "vars.referral_held", "vars.coupon_code", "vars.variant", "journey.name", "now",
    ];

    private static readonly string[] Literals = ["0", "1", "30", "99.5", "-1", "\"\"", "\"gold\"", "\"zh\"", "\"12\"", "\"2026-06-10T00:00:00Z\"", "null", "true", "false", "2147483648"];

    private static readonly string[] Comparisons = ["==", "!=", "<", "<=", ">", ">="];

    private string Term(int depth)
    {
        switch (_random.Next(depth <= 0 ? 3 : 9))
        {
            case 0:
            case 1:
                return Pick(Paths);
            case 2:
                return Pick(Literals);
            case 3:
                return $"{Term(depth - 1)} {Pick(Comparisons)} {Term(depth - 1)}";
            case 4:
                return $"({Term(depth - 1)}) {Pick("&&", "||")} ({Term(depth - 1)})";
            case 5:
                return $"!({Term(depth - 1)})";
            case 6:
                return $"({Term(depth - 1)} ?? {Term(depth - 1)})";
            case 7:
                return Pick(
                    $"({Pick(Paths)} ?? \"\") {Pick(Comparisons)} (now | date.to_string {Pick("\"%FT%TZ\"", "\"%Y-%m-%d\"", "\"%d %b\"")})",
                    $"(now | date.add_days 1) {Pick(Comparisons)} {Pick(Paths)}",
                    $"(({Pick("entry", "event")}.data.{Pick("items", "meta", "amount", "missing")} | array.first){Pick("?.", ".")}{Pick("useCycleDays", "quantity", "sku", "nope")} ?? {Pick(Literals)}) * ({Pick(Paths)} ?? {Pick("1", "2.5", "9223372036854775807", "\"x\"")})",
                    $"(event.data.meta{Pick("?.", ".")}depth{Pick("?.", ".")}n) {Pick(Comparisons)} {Pick(Literals)}",
                    $"{Pick(Paths)} * {Pick(Literals)}",
                    $"array.contains {Pick("customer.tags", "customer.segments", "customer.name", "event.data.items")} {Pick("\"vip\"", "\"fraud-suspect\"", "\"slipping-away\"", "\"never-ordered\"", "1", "null")}",
                    $"(customer.tags | array.contains {Pick("\"Vip\"", "\"新客\"")})",
                    $"({Pick("customer.locale", "customer.name", "event.data.channel", "customer.points")} | string.starts_with {Pick("\"zh\"", "\"\"", "null", "\"Z\"")})");
            default:
                return $"{Pick(Paths)} {Pick(Comparisons)} {Pick(Literals)}";
        }
    }

    public string Expression() => Term(3);

    public static string Describe(ExpressionInputs i) => string.Create(CultureInfo.InvariantCulture,
        $"profile {Serialize.Json(i.Profile)}; event {(i.Event is null ? "none" : Serialize.Json(i.Event))}; instance {(i.Instance is null ? "none" : Serialize.Json(i.Instance))}; now {i.Now:O}; segment {i.ForSegments}");
}
