using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Benchmarks;

/// <summary>
/// A deterministic stream of customer events for the built-in journeys: every customer registers, then gets a mix
/// of orders, app opens, check-ins, refunds, referrals, profile updates, coupon redemptions and opt-outs.
/// Events are ordered round by round (every customer's n-th event before anyone's n+1-th), customers shuffled.
/// </summary>
public sealed class Workload
{
    private static readonly string[] Zones = ["Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "Asia/Hong_Kong", "America/New_York", "Europe/London"];

    private Workload(List<JsonObject> events, int customers)
    {
        Json = events;
        Customers = customers;
    }

    /// <summary>The events as CloudEvents JSON objects, in stream order.</summary>
    public IReadOnlyList<JsonObject> Json { get; }

    public int Customers { get; }

    public int Count => Json.Count;

    public IReadOnlyDictionary<string, int> CountByType() =>
        Json.GroupBy(e => (string)e["type"]!).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>The events parsed as the engine sees them after ingest validation.</summary>
    public List<CustomerEvent> Parse() => [.. Json.Select(o => CloudEventReader.Read(o).Event ?? throw new InvalidOperationException("workload event does not parse"))];

    /// <summary>Batches of events as <c>application/cloudevents-batch+json</c> bodies.</summary>
    public List<byte[]> Bodies(int batchSize) =>
        [.. Json.Chunk(batchSize).Select(chunk => Encoding.UTF8.GetBytes(new JsonArray([.. chunk.Select(e => e.DeepClone())]).ToJsonString()))];

    /// <param name="prefix">Customer id prefix (makes ids unique per scenario).</param>
    /// <param name="start">Event times start here (an hour before the run is a good choice).</param>
    public static Workload Mixed(string prefix, int customers, int events, DateTimeOffset start, int seed = 20250303)
    {
        var random = new Random(seed);
        var perCustomer = new int[customers];
        for (var i = 0; i < events; i++) perCustomer[i % customers]++;
        var states = new CustomerPlan[customers];
        for (var c = 0; c < customers; c++) states[c] = new CustomerPlan($"{prefix}-{c:D7}", c);

        var rounds = perCustomer.Max();
        var list = new List<JsonObject>(events);
        var order = Enumerable.Range(0, customers).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            random.Shuffle(order);
            foreach (var c in order)
            {
                if (round >= perCustomer[c]) continue;
                var time = start + TimeSpan.FromMinutes(round * 7) + TimeSpan.FromMilliseconds(c);
                list.Add(round == 0 ? Registered(states[c], random, time) : Next(states, c, round, random, time));
            }
        }

        return new Workload(list, customers);
    }

    /// <summary>Only registrations (each starts onboarding, and birthday care for those with a birthday).</summary>
    public static Workload Registrations(string prefix, int first, int count, DateTimeOffset time, int seed = 7)
    {
        var random = new Random(seed + first);
        var list = new List<JsonObject>(count);
        for (var c = first; c < first + count; c++) list.Add(Registered(new CustomerPlan($"{prefix}-{c:D7}", c), random, time, birthday: false));
        return new Workload(list, count);
    }

    private sealed class CustomerPlan(string id, int index)
    {
        public string Id { get; } = id;
        public int Index { get; } = index;
        public int Orders { get; set; }
        public bool Referred { get; set; }
    }

    private static JsonObject Event(string id, string type, string subject, DateTimeOffset time, JsonObject data, string source = "bench") => new()
    {
        ["specversion"] = "1.0",
        ["id"] = id,
        ["type"] = type,
        ["source"] = source,
        ["subject"] = subject,
        ["time"] = time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["data"] = data,
    };

    private static JsonObject Consent(bool granted, string source, DateTimeOffset at) => new()
    {
        ["granted"] = granted,
        ["source"] = source,
        ["at"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    };

    private static JsonObject Registered(CustomerPlan c, Random random, DateTimeOffset time, bool birthday = true)
    {
        var english = random.Next(10) < 3;
        var data = new JsonObject
        {
            ["name"] = english ? $"Customer {c.Index}" : $"客户{c.Index}",
            ["email"] = $"{c.Id}@example.com",
            ["phone"] = $"+86138{c.Index % 100_000_000:D8}",
            ["locale"] = english ? "en-US" : "zh-CN",
            ["timeZone"] = Zones[random.Next(Zones.Length)],
            ["channels"] = new JsonObject
            {
                ["sms"] = Consent(true, "signup", time),
                ["app_push"] = Consent(random.Next(10) < 8, "app-prompt", time),
                ["email"] = Consent(random.Next(10) < 7, "signup", time),
            },
            ["attributes"] = new JsonObject { ["acquisitionChannel"] = random.Next(3) switch { 0 => "douyin-ad", 1 => "wechat", _ => "store" } },
        };
        if (birthday && random.Next(10) < 4) data["birthday"] = $"{1 + random.Next(12):D2}-{1 + random.Next(28):D2}";
        return Event($"{c.Id}-reg", EventTypes.Registered, c.Id, time, data, "shop");
    }

    private static JsonObject Next(CustomerPlan[] all, int index, int round, Random random, DateTimeOffset time)
    {
        var c = all[index];
        var id = $"{c.Id}-e{round}";
        if (round == 1 && random.Next(10) == 0 && c.Index > 0)
        {
            c.Referred = true;
            var referrer = all[random.Next(c.Index)];
            return Event(id, EventTypes.ReferralAccepted, c.Id, time, new JsonObject
            {
                ["referrerId"] = referrer.Id,
                ["referralCode"] = $"XM-{referrer.Index:X5}",
                ["deviceId"] = $"dev-{c.Index:x8}",
                ["phone"] = $"+86138{c.Index % 100_000_000:D8}",
                ["paymentFingerprint"] = $"pf-{c.Index:x8}",
            }, "miniprogram");
        }

        var roll = random.Next(100);
        switch (roll)
        {
            case < 45:
                c.Orders++;
                var cycle = new[] { 20, 30, 45, 60 }[random.Next(4)];
                var quantity = 1 + random.Next(2);
                var price = 39 + random.Next(300);
                return Event(id, EventTypes.OrderCompleted, c.Id, time, new JsonObject
                {
                    ["orderId"] = $"SO-{c.Id}-{c.Orders}",
                    ["amount"] = price * quantity,
                    ["currency"] = "CNY",
                    ["items"] = new JsonArray(new JsonObject
                    {
                        ["sku"] = $"XM-SKU-{random.Next(500):D3}",
                        ["category"] = "tea",
                        ["quantity"] = quantity,
                        ["price"] = price,
                        ["useCycleDays"] = cycle,
                    }),
                }, "shop");
            case < 70:
                return Event(id, EventTypes.AppOpened, c.Id, time, new JsonObject { ["platform"] = random.Next(2) == 0 ? "ios" : "android", ["screen"] = "home" }, "app");
            case < 80:
                return Event(id, EventTypes.CheckedIn, c.Id, time, new JsonObject { ["streak"] = 1 + random.Next(7) }, "miniprogram");
            case < 86 when c.Orders > 0:
                return Event(id, EventTypes.OrderRefunded, c.Id, time, new JsonObject { ["orderId"] = $"SO-{c.Id}-{c.Orders}" }, "shop");
            case < 92:
                return Event(id, EventTypes.ProfileUpdated, c.Id, time, new JsonObject
                {
                    ["birthday"] = $"{1 + random.Next(12):D2}-{1 + random.Next(28):D2}",
                    ["attributes"] = new JsonObject { ["favourite"] = random.Next(2) == 0 ? "tea" : "coffee" },
                }, "crm");
            case < 97:
                return Event(id, EventTypes.CouponRedeemed, c.Id, time, new JsonObject { ["code"] = $"FIRST20-{c.Index:X6}", ["amount"] = 20 }, "shop");
            default:
                return Event(id, EventTypes.Unsubscribed, c.Id, time, random.Next(3) == 0 ? [] : new JsonObject { ["channel"] = "sms" }, "app");
        }
    }
}
