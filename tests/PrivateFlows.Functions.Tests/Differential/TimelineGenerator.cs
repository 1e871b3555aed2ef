using System.Globalization;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Functions.Tests.Differential;

/// <summary>One generated customer: the CloudEvents as posted to the host (some without <c>time</c>) and as the simulator reads them.</summary>
public sealed record GeneratedCustomer(string CustomerId, IReadOnlyList<GeneratedEvent> Events)
{
    public IReadOnlyList<CustomerEvent> Timeline => [.. Events.Select(e => e.Event)];
}

/// <summary>An event at its instant: <see cref="Posted"/> is the JSON sent to the host, <see cref="Event"/> what the simulator gets.</summary>
public sealed record GeneratedEvent(CustomerEvent Event, JsonObject Posted)
{
    public DateTimeOffset Time => Event.Time;

    /// <summary>When it is posted to the host: its time, except for a producer's retry of an earlier event.</summary>
    public DateTimeOffset PostedAt { get; init; } = Event.Time;
}

/// <summary>
/// Seeded random customers and ~120-day event timelines over every built-in journey: sign-ups with random locales,
/// time zones, birthdays (some malformed) and consent; orders with items and use cycles, free samples, refunds,
/// referrals (some self-referrals), unsubscribes, consent changes, profile updates (birthday added later, time zone
/// moves, fraud-suspect tags, repurchase pauses), app opens, check-ins, coupon redemptions and unknown event types.
/// Some events land exactly on a journey's wait (1 day, 3 days, 30 days after sign-up or an order), so that a timer
/// and an event fall due at the same instant. Times are whole seconds.
/// </summary>
public sealed class TimelineGenerator(int seed, DateTimeOffset start)
{
    public static readonly TimeSpan Span = TimeSpan.FromDays(120);

    private static readonly string[] Locales = ["zh-CN", "zh-CN", "zh-CN", "en-US", "en-US", "en", "zh-TW", "fr-FR", "en-GB"];
    private static readonly string[] Zones = ["Asia/Shanghai", "Asia/Shanghai", "America/New_York", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"];
    private static readonly string[] MessageChannels = ["app_push", "sms", "email", "wecom", "miniprogram"];
    private static readonly string[] Categories = ["tea", "skincare", "coffee", "snacks", "kitchen"];
    private static readonly double[] UseCycles = [7, 14, 21, 30, 30, 45, 60, 0.5, 10.3333, 7.25];

    private readonly Random _random = new(seed);

    public DateTimeOffset Start { get; } = start;

    public IReadOnlyList<GeneratedCustomer> Customers(int count, string prefix) =>
        [.. Enumerable.Range(0, count).Select(i => Customer($"{prefix}{i.ToString("D3", CultureInfo.InvariantCulture)}"))];

    public GeneratedCustomer Customer(string id)
    {
        var events = new List<(DateTimeOffset Time, string Type, JsonObject Data)>();
        var t0 = Start + TimeSpan.FromSeconds(_random.Next(0, 14 * 86_400));
        var end = Start + Span;
        var phone = $"+86138{_random.Next(0, 100_000_000):D8}";
        var registered = Chance(0.9);
        var registration = Registration(id, phone);
        var zone = registration["timeZone"]?.GetValue<string>();
        if (registered) events.Add((t0, EventTypes.Registered, registration));

        // Orders, some exactly on the onboarding waits (1 day, 3 days after sign-up) or on a previous order's 30-day mark.
        var orders = new List<(DateTimeOffset Time, string OrderId, decimal Amount)>();
        var orderCount = Pick([0, 0, 1, 1, 1, 2, 2, 3, 4, 5]);
        for (var n = 0; n < orderCount; n++)
        {
            var at = Chance(0.12) ? t0 + TimeSpan.FromDays(1)
                : Chance(0.06) ? t0 + TimeSpan.FromDays(3)
                : orders.Count > 0 && Chance(0.15) ? orders[^1].Time + TimeSpan.FromDays(30)
                : Chance(0.05) ? t0 - TimeSpan.FromSeconds(_random.Next(60, 86_400)) // an order synced before the sign-up
                : Between(t0, end - TimeSpan.FromDays(5));
            var orderId = $"SO-{id}-{n}";
            var amount = Chance(0.1) ? 0m : Math.Round((decimal)(_random.NextDouble() * 990 + 9.9), 2);
            orders.Add((at, orderId, amount));
            events.Add((at, EventTypes.OrderCompleted, Order(orderId, amount)));
            if (Chance(0.15))
            {
                var refund = new JsonObject { ["orderId"] = orderId };
                var kind = _random.Next(3);
                if (kind == 0) refund["amount"] = amount;
                else if (kind == 1) refund["amount"] = Math.Round(amount / 2, 2);
                events.Add((at + TimeSpan.FromSeconds(_random.Next(600, 10 * 86_400)), EventTypes.OrderRefunded, refund));
            }
        }

        if (Chance(0.3))
        {
            var referral = new JsonObject { ["referrerId"] = Chance(0.08) ? id : $"referrer-{_random.Next(0, 25)}" };
            if (Chance(0.5)) referral["referralCode"] = $"R{_random.Next(1000, 9999)}";
            if (Chance(0.3)) referral["deviceId"] = $"dev-{_random.Next(0, 40)}";
            if (Chance(0.2)) referral["phone"] = phone;
            if (Chance(0.2)) referral["paymentFingerprint"] = $"pay-{_random.Next(0, 40)}";
            events.Add((t0 + TimeSpan.FromSeconds(_random.Next(-3_600, 3 * 86_400)), EventTypes.ReferralAccepted, referral));
        }

        if (Chance(0.12))
        {
            var unsubscribe = new JsonObject();
            if (Chance(0.5)) unsubscribe["channel"] = Pick(MessageChannels);
            events.Add((Between(t0, end), EventTypes.Unsubscribed, unsubscribe));
        }

        if (Chance(0.15))
        {
            var granted = Chance(0.6);
            var consent = new JsonObject { ["channel"] = Pick(MessageChannels), ["granted"] = granted, ["source"] = "preference-center" };
            if (granted && Chance(0.5)) consent["marketing"] = Chance(0.5);
            events.Add((Between(t0, end), EventTypes.ConsentChanged, consent));
        }

        var updates = Pick([0, 0, 0, 1, 1, 2]);
        for (var n = 0; n < updates; n++) events.Add((Between(t0, end), EventTypes.ProfileUpdated, ProfileUpdate()));

        var opens = _random.Next(0, 9);
        for (var n = 0; n < opens; n++)
        {
            events.Add((Between(t0, end), EventTypes.AppOpened, new JsonObject { ["platform"] = Pick(["ios", "android", "miniprogram"]), ["screen"] = Pick(["home", "product", "cart"]) }));
        }

        var checkIns = Chance(0.3) ? _random.Next(1, 12) : 0;
        var day = t0 + TimeSpan.FromHours(_random.Next(1, 30));
        for (var n = 0; n < checkIns && day < end; n++)
        {
            events.Add((day, EventTypes.CheckedIn, new JsonObject { ["streak"] = n + 1, ["place"] = "app" }));
            day += TimeSpan.FromDays(Chance(0.8) ? 1 : _random.Next(2, 6)) + TimeSpan.FromMinutes(_random.Next(-90, 90));
        }

        if (orders.Count > 0 && Chance(0.15))
        {
            var (at, orderId, amount) = orders[_random.Next(orders.Count)];
            events.Add((at + TimeSpan.FromSeconds(_random.Next(0, 2)), EventTypes.CouponRedeemed, new JsonObject { ["code"] = $"FIRST20-{_random.Next(1000, 9999)}", ["orderId"] = orderId, ["amount"] = Math.Min(20m, amount) }));
        }

        if (Chance(0.05)) events.Add((Between(t0, end), "cart.abandoned", new JsonObject { ["sku"] = "TEA-1" }));

        if (events.Count == 0) events.Add((t0, EventTypes.AppOpened, new JsonObject { ["platform"] = "ios" })); // a customer is known by an event

        // Some events land exactly where timers fall due: 09:00 local (end of quiet hours, when deferred sends go out),
        // 21:00 local (start of quiet hours), 10:00 local (birthday greetings, repurchase reminders); others carry
        // sub-millisecond fractions, as producers writing DateTimeOffset.UtcNow send them.
        for (var i = 1; i < events.Count; i++)
        {
            var (time, type, data) = events[i];
            if (Chance(0.12)) time = AtLocal(time, zone, Pick([new TimeOnly(9, 0), new TimeOnly(21, 0), new TimeOnly(10, 0)]));
            else if (Chance(0.2)) time += TimeSpan.FromTicks(_random.Next(1, 10_000_000));
            events[i] = (time, type, data);
        }

        var ordered = events.Select((e, i) => (e, i)).OrderBy(x => x.e.Time).ThenBy(x => x.i).Select(x => x.e).ToList();
        var generated = new List<GeneratedEvent>();
        for (var n = 0; n < ordered.Count; n++)
        {
            var (time, type, data) = ordered[n];
            var json = new JsonObject
            {
                ["specversion"] = "1.0",
                ["id"] = $"{id}-e{n.ToString("D2", CultureInfo.InvariantCulture)}",
                ["type"] = type,
                ["source"] = "differential-test",
                ["subject"] = id,
                ["time"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
                ["data"] = data,
            };
            var read = CloudEventReader.Read(json);
            if (!read.Ok) throw new InvalidOperationException($"generated an invalid event: {read.Field}: {read.Error}");
            var posted = (JsonObject)json.DeepClone();
            if (Chance(0.3)) posted.Remove("time"); // stamped by the host with its (virtual) now, which is this instant
            generated.Add(new GeneratedEvent(read.Event!, posted));
        }

        // A producer retry: an event sent again later with the same id (and its original time) is accepted once.
        if (generated.Count > 1 && Chance(0.06))
        {
            var original = generated[_random.Next(generated.Count - 1)];
            var later = generated[^1].Time + TimeSpan.FromMinutes(_random.Next(1, 600));
            var again = (JsonObject)original.Posted.DeepClone();
            again["time"] = original.Event.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
            generated.Add(new GeneratedEvent(original.Event, again) { PostedAt = later });
        }

        return new GeneratedCustomer(id, generated);
    }

    private JsonObject Registration(string id, string phone)
    {
        var data = new JsonObject();
        if (Chance(0.85)) data["name"] = Pick(["林晓", "王芳", "Emily Chen", "Lucas Martin", "陈静", "Zhang Wei"]);
        if (Chance(0.85)) data["email"] = $"{id}@example.com";
        if (Chance(0.8)) data["phone"] = phone;
        if (Chance(0.9)) data["locale"] = Pick(Locales);
        if (Chance(0.85)) data["timeZone"] = Pick(Zones);
        if (Chance(0.5)) data["birthday"] = Birthday();
        if (Chance(0.9))
        {
            var channels = new JsonObject();
            foreach (var channel in MessageChannels)
            {
                var roll = _random.NextDouble();
                if (roll < 0.15) continue;
                channels[channel] = roll < 0.65 ? true
                    : roll < 0.75 ? false
                    : new JsonObject { ["granted"] = true, ["marketing"] = false, ["source"] = "signup" };
            }

            data["channels"] = channels;
        }

        if (Chance(0.05)) data["tags"] = new JsonArray("fraud-suspect");
        if (Chance(0.05)) data["attributes"] = new JsonObject { ["repurchase_nudge_paused_until"] = (Start + TimeSpan.FromDays(_random.Next(5, 60))).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) };
        return data;
    }

    private JsonObject ProfileUpdate()
    {
        var data = new JsonObject();
        switch (_random.Next(6))
        {
            case 0:
            case 1:
                data["birthday"] = Birthday();
                break;
            case 2:
                data["timeZone"] = Pick(Zones);
                break;
            case 3:
                data["locale"] = Pick(Locales);
                break;
            case 4:
                if (Chance(0.5)) data["tags"] = new JsonArray("fraud-suspect", "vip");
                else data["removeTags"] = new JsonArray("fraud-suspect");
                break;
            default:
                data["attributes"] = new JsonObject { ["repurchase_nudge_paused_until"] = (Start + TimeSpan.FromDays(_random.Next(0, 120))).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) };
                break;
        }

        return data;
    }

    /// <summary>MM-dd or yyyy-MM-dd, often within the next 120 days so the birthday journey fires; now and then malformed.</summary>
    private string Birthday()
    {
        if (Chance(0.08)) return "13-45"; // faults the birthday journey (no such month)
        var date = Chance(0.6) ? Start.UtcDateTime.AddDays(_random.Next(0, 120)) : new DateTime(2000, 1, 1).AddDays(_random.Next(0, 366));
        var text = date.ToString("MM-dd", CultureInfo.InvariantCulture);
        return Chance(0.5) ? $"{_random.Next(1960, 2006)}-{text}" : text;
    }

    private JsonObject Order(string orderId, decimal amount)
    {
        var data = new JsonObject { ["orderId"] = orderId, ["amount"] = amount };
        if (Chance(0.4)) data["currency"] = Pick(["CNY", "CNY", "USD"]);
        if (Chance(0.75))
        {
            var items = new JsonArray();
            var count = _random.Next(1, 4);
            for (var i = 0; i < count; i++)
            {
                var item = new JsonObject
                {
                    ["sku"] = $"SKU-{_random.Next(100, 999)}",
                    ["category"] = Pick(Categories),
                    ["quantity"] = Chance(0.1) ? 1.5 : _random.Next(1, 4),
                    ["price"] = Math.Round((decimal)(_random.NextDouble() * 300 + 5), 2),
                };
                if (Chance(0.65)) item["useCycleDays"] = Pick(UseCycles);
                items.Add(item);
            }

            data["items"] = items;
        }

        return data;
    }

    /// <summary>The same day (in the customer's zone) at <paramref name="time"/> local.</summary>
    private static DateTimeOffset AtLocal(DateTimeOffset instant, string? zone, TimeOnly time)
    {
        var day = CustomerClock.ToLocal(instant, zone).Date;
        return CustomerClock.ToInstant(day + new NodaTime.LocalTime(time.Hour, time.Minute), zone);
    }

    private DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to) =>
        to <= from ? from : from + TimeSpan.FromSeconds(_random.NextInt64(0, (long)(to - from).TotalSeconds));

    private bool Chance(double p) => _random.NextDouble() < p;

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];
}
