using System.Globalization;
using System.Text.Json.Nodes;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using Xunit.Abstractions;

namespace PrivateFlows.Runtime.Tests.Insights;

/// <summary>
/// No send without consent, ever: random sequences of registrations, consent changes, profile updates, unsubscribes
/// and app opens for many customers go through the whole pipeline (inbox, workers, decider, outbox, sandbox channel),
/// with sends right away and after a wait. Every message recorded must have had consent for its channel (marketing
/// consent for marketing) at the moment it went out, by an independent model of the consent rules.
/// </summary>
public sealed class ConsentPropertyTests(ITestOutputHelper output)
{
    private const int Customers = 24;
    private const int Rounds = 14;
    private static readonly TimeSpan Round = TimeSpan.FromMinutes(30);
    private static readonly string[] ChannelNames = ["sms", "email", "app_push", "wecom", "miniprogram"];

    private const string Now = """
        journey: consent-now
        entry:
          event: app.opened
          reentry: always
        steps:
          - id: sms
            send: { channel: sms, template: probe, category: marketing, on_limit: drop }
          - id: email
            send: { channel: email, template: probe, category: marketing, on_limit: drop }
          - id: push
            send: { channel: app_push, template: probe, category: transactional }
          - id: wecom
            send: { channel: wecom, template: probe, category: transactional }
          - id: mini
            send: { channel: miniprogram, template: probe, category: marketing, on_limit: drop }
          - id: done
            end: completed
        """;

    /// <summary>Sends 45 minutes after the open, between two rounds: consent may have changed meanwhile.</summary>
    private const string Later = """
        journey: consent-later
        entry:
          event: app.opened
          reentry: always
        steps:
          - id: pause
            wait: 45m
          - id: sms
            send: { channel: sms, template: probe, category: marketing, on_limit: drop }
          - id: push
            send: { channel: app_push, template: probe, category: transactional }
          - id: email
            send: { channel: email, template: probe, category: transactional }
          - id: done
            end: completed
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task No_message_is_ever_recorded_for_a_channel_without_consent_at_that_moment(int seed)
    {
        using var folder = new TempFolder();
        var journeys = Path.Combine(folder.Path, "journeys");
        Directory.CreateDirectory(Path.Combine(journeys, "templates"));
        File.WriteAllText(Path.Combine(journeys, "consent-now.yaml"), Now);
        File.WriteAllText(Path.Combine(journeys, "consent-later.yaml"), Later);
        File.WriteAllText(Path.Combine(journeys, "templates", "probe.zh-CN.sbn"), "你好 {{ customer.name }}");
        await using var engine = await EngineHarness.StartAsync(folder.File("consent.db"), journeys, settings: new Dictionary<string, string?>
        {
            ["PrivateFlows:ContactPolicy:QuietStart"] = "off",
            ["PrivateFlows:ContactPolicy:QuietEnd"] = "off",
            ["PrivateFlows:ContactPolicy:NoCaps"] = "true",
        });

        var random = new Random(seed);
        var start = engine.Now;
        var ids = Enumerable.Range(0, Customers).Select(i => $"c{seed}-{i.ToString("D2", CultureInfo.InvariantCulture)}").ToList();
        var model = ids.ToDictionary(id => id, _ => new List<(DateTimeOffset At, Dictionary<string, (bool Granted, bool Marketing)> Consent)>());
        for (var round = 0; round < Rounds; round++)
        {
            var at = start + Round * round;
            await engine.AdvanceToAsync(at);
            var events = new List<CustomerEvent>();
            foreach (var id in ids)
            {
                // One event per customer per round: the consent at any instant is unambiguous.
                var e = round == 0 ? Registration(id, at, random) : RandomEvent(id, round, at, random);
                events.Add(e);
                var before = model[id].Count == 0 ? [] : model[id][^1].Consent;
                model[id].Add((at, Apply(before, e)));
            }

            await engine.DeliverAsync([.. events]);
        }

        await engine.AdvanceToAsync(start + Round * Rounds + TimeSpan.FromHours(1));

        var sent = 0;
        var suppressedForConsent = 0;
        foreach (var id in ids)
        {
            var messages = await engine.Store.ReadMessagesAsync(id, 10_000);
            foreach (var m in messages)
            {
                var state = model[id].Last(s => s.At <= m.At).Consent;
                var marketing = m.Category == "marketing";
                var ok = state.TryGetValue(m.Channel, out var c) && c.Granted && (!marketing || c.Marketing);
                ok.Should().BeTrue($"seed {seed}: {m.Channel} {m.Category} message to {id} at {m.At:O} ({m.Journey}/{m.Step}) without consent; consent then: {Describe(state)}");
                sent++;
            }

            var history = await engine.Store.ReadCustomerHistoryAsync(id, 0, 10_000);
            suppressedForConsent += history.Entries.Count(h => h.Kind == Workflows.Engine.HistoryKind.Suppressed && h.Detail.Contains("consent", StringComparison.Ordinal));
        }

        output.WriteLine($"seed {seed}: {sent} messages, all with consent; {suppressedForConsent} sends suppressed for lack of consent");
        sent.Should().BePositive("the property must not hold vacuously");
        suppressedForConsent.Should().BePositive();
    }

    private static CustomerEvent Registration(string id, DateTimeOffset at, Random random) =>
        new($"reg-{id}", EventTypes.Registered, id, at, new JsonObject { ["name"] = "林晓", ["timeZone"] = "Asia/Shanghai", ["channels"] = RandomChannels(random) }, "test");

    private static CustomerEvent RandomEvent(string id, int round, DateTimeOffset at, Random random)
    {
        var eventId = $"{id}-{round.ToString(CultureInfo.InvariantCulture)}";
        var channel = ChannelNames[random.Next(ChannelNames.Length)];
        return random.Next(10) switch
        {
            0 or 1 or 2 or 3 => new CustomerEvent(eventId, EventTypes.AppOpened, id, at, new JsonObject { ["screen"] = "home" }, "test"),
            4 or 5 => new CustomerEvent(eventId, EventTypes.ConsentChanged, id, at, ConsentChange(channel, random), "test"),
            6 => new CustomerEvent(eventId, EventTypes.Unsubscribed, id, at, random.Next(3) == 0 ? new JsonObject() : new JsonObject { ["channel"] = channel }, "test"),
            7 => new CustomerEvent(eventId, EventTypes.ProfileUpdated, id, at, new JsonObject { ["channels"] = RandomChannels(random) }, "test"),
            _ => new CustomerEvent(eventId, EventTypes.AppOpened, id, at, new JsonObject(), "test"),
        };
    }

    private static JsonObject ConsentChange(string channel, Random random)
    {
        var data = new JsonObject { ["channel"] = channel, ["granted"] = random.Next(3) > 0 };
        if (random.Next(2) == 0) data["marketing"] = random.Next(2) == 0;
        return data;
    }

    private static JsonObject RandomChannels(Random random)
    {
        var channels = new JsonObject();
        foreach (var name in ChannelNames)
        {
            switch (random.Next(4))
            {
                case 0: break; // not mentioned
                case 1: channels[name] = random.Next(2) == 0; break;
                default: channels[name] = new JsonObject { ["granted"] = random.Next(4) > 0, ["marketing"] = random.Next(2) == 0 }; break;
            }
        }

        return channels;
    }

    /// <summary>The consent rules, written down independently of the engine's projection.</summary>
    private static Dictionary<string, (bool Granted, bool Marketing)> Apply(Dictionary<string, (bool Granted, bool Marketing)> before, CustomerEvent e)
    {
        var after = new Dictionary<string, (bool Granted, bool Marketing)>(before);
        switch (e.Type)
        {
            case EventTypes.Registered or EventTypes.ProfileUpdated when e.Data["channels"] is JsonObject channels:
                foreach (var (name, value) in channels)
                {
                    after[name] = value switch
                    {
                        JsonValue v => (v.GetValue<bool>(), v.GetValue<bool>()),
                        JsonObject o => (o["granted"]!.GetValue<bool>(), o["granted"]!.GetValue<bool>() && o["marketing"]!.GetValue<bool>()),
                        _ => (false, false),
                    };
                }

                break;
            case EventTypes.ConsentChanged:
                var granted = e.Data["granted"]!.GetValue<bool>();
                var marketing = e.Data["marketing"]?.GetValue<bool>() ?? granted;
                after[e.Data["channel"]!.GetValue<string>()] = (granted, granted && marketing);
                break;
            case EventTypes.Unsubscribed:
                var only = e.Data["channel"]?.GetValue<string>();
                foreach (var name in before.Keys.Where(n => only is null || n == only)) after[name] = (before[name].Granted, false);
                if (only is not null && !before.ContainsKey(only)) after[only] = (false, false);
                break;
        }

        return after;
    }

    private static string Describe(Dictionary<string, (bool Granted, bool Marketing)> state) =>
        string.Join(", ", state.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={(s.Value.Granted ? s.Value.Marketing ? "marketing" : "transactional only" : "none")}"));
}
