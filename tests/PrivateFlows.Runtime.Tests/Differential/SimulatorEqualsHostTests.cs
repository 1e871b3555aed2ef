using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Simulation;
using Xunit.Abstractions;

namespace PrivateFlows.Runtime.Tests.Differential;

/// <summary>
/// "Simulation equals production": for random customers and event timelines over every built-in journey, the
/// timeline <see cref="Simulator.Run"/> gives (what <c>privateflows simulate</c> prints) equals the history the host
/// records when the same events are posted to it in virtual clock mode, the clock advanced to each event's instant
/// first — the same steps, messages (rendered text), suppressions and outcomes, entry by entry, in order, per customer.
/// Any difference is a bug in one of them. The seed is random per run and printed (output and failure message);
/// <c>PRIVATEFLOWS_DIFF_SEED</c> replays one, <c>PRIVATEFLOWS_DIFF_CUSTOMERS</c> changes the number of customers.
/// </summary>
public sealed class SimulatorEqualsHostTests(ITestOutputHelper output)
{
    public const string SeedVariable = "PRIVATEFLOWS_DIFF_SEED";
    public const string CustomersVariable = "PRIVATEFLOWS_DIFF_CUSTOMERS";

    /// <summary>Monday 2 March 2026 10:00 in Shanghai, the virtual clock's default start.</summary>
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_host_records_exactly_the_timeline_the_simulator_prints()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next(1, int.MaxValue);
        var count = int.TryParse(Environment.GetEnvironmentVariable(CustomersVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) ? c : 200;
        output.WriteLine($"seed {seed}, {count} customers (replay: {SeedVariable}={seed})");
        var watch = Stopwatch.StartNew();

        var customers = new TimelineGenerator(seed, Start + TimeSpan.FromDays(2)).Customers(count, "c"); // a day or two of slack: some events come before their sign-up
        var end = customers.SelectMany(x => x.Events).Max(e => e.PostedAt) + TimeSpan.FromDays(14);

        using var folder = new TempFolder();
        var host = new VirtualClockHost(Start, databasePath: folder.File("differential.db"));
        var client = host.Client();
        try
        {
            var journeys = await PublishedJourneysAsync(client);
            journeys.Select(j => j.Name).Should().BeEquivalentTo(["birthday-care", "onboarding", "referral-reward", "repurchase-nudge", "win-back"]);

            // The simulator runs alongside the host (one customer at a time, each with every journey, until the same end).
            var simulation = Task.Run(() => customers
                .AsParallel()
                .AsOrdered()
                .Select(customer => Simulator.Run(journeys, new CustomerProfile { CustomerId = customer.CustomerId }, customer.Timeline, end, ContactPolicy.Default))
                .ToList());

            // One host, all customers on one clock: at each instant an event happens, advance to it, then post what happens then.
            var instants = customers
                .SelectMany((customer, ci) => customer.Events.Select((e, ei) => (e, ci, ei)))
                .OrderBy(x => x.e.PostedAt).ThenBy(x => x.ci).ThenBy(x => x.ei)
                .GroupBy(x => x.e.PostedAt)
                .ToList();
            var timersFired = 0;
            var restartAt = instants.Count / 2;
            foreach (var (instant, index) in instants.Select((x, i) => (x, i)))
            {
                if (index == restartAt)
                {
                    // Half way, the host stops and starts again on the same database: the virtual clock resumes where it stood.
                    var before = (await client.GetFromJsonAsync<JsonObject>("/api/clock"))!["now"]!.GetValue<DateTimeOffset>();
                    client.Dispose();
                    host.Dispose();
                    host = new VirtualClockHost(Start, databasePath: folder.File("differential.db"));
                    client = host.Client();
                    var clock = (await client.GetFromJsonAsync<JsonObject>("/api/clock"))!;
                    clock["now"]!.GetValue<DateTimeOffset>().Should().Be(before, "the virtual clock resumes where it stopped");
                }

                timersFired += (await VirtualClockHost.AdvanceAsync(client, new JsonObject { ["to"] = Iso(instant.Key) })).TimersFired;
                var batch = instant.Select(x => x.e.Posted).ToList();
                using var content = batch.Count == 1 ? CloudEvents.Json(batch[0]) : CloudEvents.Batch([.. batch]);
                using var posted = await client.PostAsync("/api/events", content);
                posted.StatusCode.Should().Be(HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
            }

            var final = await VirtualClockHost.AdvanceAsync(client, new JsonObject { ["to"] = Iso(end) });
            timersFired += final.TimersFired;
            final.Now.Should().Be(end);
            var hostTime = watch.Elapsed;
            var simulated = await simulation;

            var store = host.Services.GetRequiredService<IJourneyStore>();
            var failures = new List<string>();
            var entries = 0;
            for (var i = 0; i < customers.Count; i++)
            {
                var problem = await CompareAsync(client, store, customers[i], simulated[i]);
                entries += simulated[i].Timeline.Count(t => t.Kind != "event");
                if (problem is not null) failures.Add(problem);
            }

            var events = customers.Sum(x => x.Events.Count);
            output.WriteLine($"{customers.Count} customers, {events} events, {timersFired} timers fired, {entries} history entries compared; host {hostTime.TotalSeconds:0.0} s, total {watch.Elapsed.TotalSeconds:0.0} s");
            var kinds = simulated.SelectMany(r => r.Timeline).Where(t => t.Kind != "event").GroupBy(t => t.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
            output.WriteLine(string.Join(", ", kinds));
            (await store.ReadPoisonAsync(10)).Should().BeEmpty($"nothing is parked (seed {seed})");

            if (failures.Count > 0)
            {
                var report = new StringBuilder()
                    .AppendLine(CultureInfo.InvariantCulture, $"{failures.Count} of {customers.Count} customers differ between the simulator and the host — seed {seed}; replay with {SeedVariable}={seed}")
                    .AppendJoin(Environment.NewLine, failures.Take(5));
                output.WriteLine(report.ToString());
                Assert.Fail(report.ToString());
            }

            // Every built-in journey is exercised, with sends, suppressions and ends of every kind.
            if (count < 200) return;
            var all = simulated.SelectMany(r => r.Timeline).ToList();
            all.Select(t => t.Journey).Where(j => j is not null).Distinct().Should().HaveCount(5, $"seed {seed}");
            // No "faulted": data that used to fault a journey (a birthday of 13-45) is refused at ingest, and the decider no longer faults on it.
            all.Select(t => t.Kind).Should().Contain(["sent", "suppressed", "deferred", "goal_reached", "exited", "completed", "not_entered", "timed_out", "event_matched"], $"seed {seed}");
        }
        finally
        {
            client.Dispose();
            host.Dispose();
        }
    }

    /// <summary>The built-in journeys as the simulator loads them from files, numbered as the host published them (same content hash).</summary>
    private static async Task<IReadOnlyList<JourneyVersion>> PublishedJourneysAsync(HttpClient client)
    {
        var published = (await client.GetFromJsonAsync<JsonArray>("/api/journeys"))!
            .ToDictionary(j => j!["name"]!.GetValue<string>(), j => (Number: j!["latest"]!["number"]!.GetValue<int>(), Version: j["latest"]!["version"]!.GetValue<string>()));
        var loaded = JourneyLoader.LoadDirectory(Paths.BuiltInJourneys);
        loaded.HasErrors.Should().BeFalse();
        return [.. loaded.Journeys.Select(j =>
        {
            published.Should().ContainKey(j.Name);
            published[j.Name].Version.Should().Be(j.Version, "the host runs the same journey content as the files");
            return j with { Number = published[j.Name].Number };
        })];
    }

    private static async Task<string?> CompareAsync(HttpClient client, IJourneyStore store, GeneratedCustomer customer, SimulationResult simulated)
    {
        var id = customer.CustomerId;
        var problems = new StringBuilder();

        var expected = simulated.Timeline.Where(t => t.Kind != "event").Select(Line).ToList();
        var actual = (await HistoryAsync(client, id)).Select(Line).ToList();
        var first = Enumerable.Range(0, Math.Max(expected.Count, actual.Count)).FirstOrDefault(i => i >= expected.Count || i >= actual.Count || expected[i] != actual[i], -1);
        if (first >= 0)
        {
            problems.AppendLine(CultureInfo.InvariantCulture, $"history differs at entry {first} ({expected.Count} simulated, {actual.Count} recorded):");
            for (var i = Math.Max(0, first - 2); i < Math.Min(Math.Max(expected.Count, actual.Count), first + 3); i++)
            {
                problems.AppendLine(CultureInfo.InvariantCulture, $"  [{i}] simulator {(i < expected.Count ? expected[i] : "(none)")}");
                problems.AppendLine(CultureInfo.InvariantCulture, $"  [{i}] host      {(i < actual.Count ? actual[i] : "(none)")}");
            }
        }

        var sends = simulated.Effects.OfType<SendMessage>().OrderBy(m => m.EffectId, StringComparer.Ordinal)
            .Select(m => $"{m.EffectId} {m.Channel} {m.Template} [{m.Locale}] {m.Subject} — {m.Body} → {m.Address}").ToList();
        var messages = (await client.GetFromJsonAsync<List<MessageRecord>>($"/api/customers/{id}/messages?limit=5000", RuntimeJson.Options))!
            .OrderBy(m => m.EffectId, StringComparer.Ordinal)
            .Select(m => $"{m.EffectId} {m.Channel} {m.Template} [{m.Locale}] {m.Subject} — {m.Body} → {m.Address}").ToList();
        if (!messages.SequenceEqual(sends)) problems.AppendLine(CultureInfo.InvariantCulture, $"messages differ:\n  simulator {string.Join("\n            ", sends)}\n  host      {string.Join("\n            ", messages)}");

        var document = await store.ReadCustomerAsync(id);
        var profile = RuntimeJson.Serialize(document?.State.Profile);
        var simulatedProfile = RuntimeJson.Serialize(simulated.FinalState.Profile);
        if (profile != simulatedProfile) problems.AppendLine(CultureInfo.InvariantCulture, $"final profile differs:\n  simulator {simulatedProfile}\n  host      {profile}");

        if (problems.Length == 0) return null;
        var events = string.Join("\n  ", customer.Events.Select(e => $"{Iso(e.Time)} {e.Posted.ToJsonString()}"));
        return $"── customer {id}\n{problems}events:\n  {events}\n";
    }

    private static async Task<List<HistoryEntry>> HistoryAsync(HttpClient client, string customerId)
    {
        var entries = new List<HistoryEntry>();
        long after = 0;
        while (true)
        {
            var page = (await client.GetFromJsonAsync<HistoryPage>($"/api/customers/{customerId}/history?after={after}&limit=5000", RuntimeJson.Options))!;
            entries.AddRange(page.Entries);
            if (page.Next is not { } next || page.Entries.Count == 0) return entries;
            after = next;
        }
    }

    private static string Line(TimelineEntry t) => $"{Iso(t.Time)} {t.Kind} {t.Journey} {t.InstanceId} {t.Step ?? "-"} | {t.Detail}";

    private static string Line(HistoryEntry h) => Line(Simulator.ToTimeline(h));

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
