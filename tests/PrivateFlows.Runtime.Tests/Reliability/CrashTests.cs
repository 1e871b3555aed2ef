using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Language;
using Xunit.Abstractions;

namespace PrivateFlows.Runtime.Tests.Reliability;

/// <summary>
/// The engine as a real process, fed 10,000 events for 1,000 customers while it is killed with SIGKILL at random
/// moments and restarted; afterwards every accepted event must be in customer state exactly once, no points twice,
/// no timer lost, and every message delivered to a receiver that honours Idempotency-Key.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Customers = 1000;
    private const int OrdersPerCustomer = 9;
    private const int Kills = 20;
    private const int BatchSize = 100;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Killing_the_host_at_random_moments_loses_nothing_and_duplicates_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var db = _folder.File("crash.db");
        using var host = new HostProcess(HostProcess.FreePort(), new Dictionary<string, string>
        {
            ["PrivateFlows__Sqlite__Path"] = db,
            ["PrivateFlows__Journeys__Path"] = Paths.TestJourneys("crash"),
            ["PrivateFlows__Channels__Routes__webhook"] = "webhook",
            ["PrivateFlows__Channels__Webhook__Url"] = receiver.Url.ToString(),
            ["PrivateFlows__Channels__Webhook__Secret"] = receiver.Secret,
            ["PrivateFlows__Telemetry__ConsoleMetrics"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__PrivateFlows.Runtime.Channels.ChannelRouter"] = "Error",
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var watch = Stopwatch.StartNew();
        await host.StartAsync(http, TimeSpan.FromSeconds(60));

        var batches = Batches();
        var accepted = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var next = -1;
        var feeding = Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count)
            {
                await SendUntilAcceptedAsync(http, host.BaseAddress, batches[index], accepted);
            }
        })));

        var random = new Random(4242);
        for (var kill = 0; kill < Kills; kill++)
        {
            await Task.Delay(random.Next(150, 900));
            host.Kill();
            await host.StartAsync(http, TimeSpan.FromSeconds(60));
        }

        await feeding.WaitAsync(TimeSpan.FromMinutes(3));
        var fedAt = watch.Elapsed;
        await WaitUntilDrainedAsync(http, host.BaseAddress, TimeSpan.FromMinutes(2));
        var drainedAt = watch.Elapsed;
        host.Kill();

        output.WriteLine($"host starts: {host.Starts} ({Kills} kills); all {accepted.Count} events accepted after {fedAt.TotalSeconds:F1} s, everything processed after {drainedAt.TotalSeconds:F1} s");
        output.WriteLine($"webhook: {receiver.Delivered.Count} messages delivered, {receiver.TotalRequests} requests, {receiver.Redeliveries} redeliveries refused by Idempotency-Key, {receiver.BadSignatures} bad signatures");
        accepted.Should().HaveCount(Customers * (1 + OrdersPerCustomer));
        await VerifyAsync(db, accepted, receiver);
    }

    private static List<JsonArray> Batches()
    {
        var events = new List<JsonObject>();
        var customers = Enumerable.Range(0, Customers).Select(i => $"crash-{i:D4}").ToList();
        events.AddRange(customers.Select(c => Registered(c)));
        for (var n = 0; n < OrdersPerCustomer; n++) events.AddRange(customers.Select(c => Order(c, n)));
        return [.. events.Chunk(BatchSize).Select(chunk => new JsonArray([.. chunk]))];
    }

    private static JsonObject Registered(string customer) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = $"{customer}-reg",
        ["type"] = "customer.registered",
        ["source"] = "crash-test",
        ["subject"] = customer,
        ["data"] = new JsonObject { ["name"] = customer, ["locale"] = "en", ["email"] = $"{customer}@example.com" },
    };

    private static JsonObject Order(string customer, int n) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = $"{customer}-o{n}",
        ["type"] = "order.completed",
        ["source"] = "crash-test",
        ["subject"] = customer,
        ["data"] = new JsonObject { ["orderId"] = $"{customer}-SO{n}", ["amount"] = 10 + n },
    };

    private static async Task SendUntilAcceptedAsync(HttpClient http, Uri baseAddress, JsonArray batch, ConcurrentDictionary<string, string> accepted)
    {
        // A deadline, not a count of tries: on a busy machine a restarted host can take many seconds to listen again.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.PostAsync(new Uri(baseAddress, "/api/events"), CloudEvents.Json(batch, "application/cloudevents-batch+json"));
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    var body = await response.Content.ReadFromJsonAsync<JsonObject>();
                    // A duplicate was stored by an earlier try whose answer the kill cut off: it counts as accepted too.
                    foreach (var id in body!["accepted"]!.AsArray().Concat(body["duplicates"]!.AsArray())) accepted[id!.GetValue<string>()] = "";
                    return;
                }

                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1)); // backpressure: nothing was stored
                    continue;
                }

                throw new InvalidOperationException($"unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                await Task.Delay(50); // the host is down: try again when it is back
            }
        }

        throw new TimeoutException("a batch was never accepted");
    }

    private static async Task WaitUntilDrainedAsync(HttpClient http, Uri baseAddress, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        var last = "";
        while (watch.Elapsed < timeout)
        {
            var status = await http.GetFromJsonAsync<JsonObject>(new Uri(baseAddress, "/api/status"));
            var store = status!["store"]!;
            // Loyalty timers (yearly tier reviews, points expiry) stay in the index: done means nothing is due.
            var nextDue = store["nextTimerDue"]?.GetValue<DateTimeOffset>();
            last = status.ToJsonString();
            if (status["queued"]!.GetValue<long>() == 0 && store["pendingEvents"]!.GetValue<long>() == 0
                && store["customersWithPendingEffects"]!.GetValue<long>() == 0 && (nextDue is null || nextDue > DateTimeOffset.UtcNow.AddMinutes(1)))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the engine did not finish its work: {last}");
    }

    private async Task VerifyAsync(string db, ConcurrentDictionary<string, string> accepted, WebhookReceiver receiver)
    {
        SqliteConnection.ClearAllPools();
        await using var store = new SqliteJourneyStore(Options.Create(new SqliteOptions { Path = db }), TimeProvider.System);
        (await store.ReadPoisonAsync(100)).Should().BeEmpty();
        (await store.ReadPendingEventsAsync()).Should().BeEmpty();
        (await store.ReadEarliestTimersAsync(1)).Should().OnlyContain(t => t.DueAt > DateTimeOffset.UtcNow.AddDays(1), "every journey timer fired (only far loyalty timers remain)");

        var lateness = new List<double>();
        for (var i = 0; i < Customers; i++)
        {
            var customer = $"crash-{i:D4}";
            var document = (await store.ReadCustomerAsync(customer))!;
            document.Should().NotBeNull(customer);
            var profile = document.State.Profile;
            profile.Orders.Count.Should().Be(OrdersPerCustomer, $"{customer}: each accepted order counted exactly once");
            profile.Orders.Total.Should().Be(Enumerable.Range(0, OrdersPerCustomer).Sum(n => 10 + n), customer);
            document.PendingEffects.Should().BeEmpty(customer);

            var ledger = await store.ReadPointsAsync(customer);
            var journeyPoints = ledger.Where(e => e.Rule == "journey").ToList();
            journeyPoints.Should().HaveCount(2 + OrdersPerCustomer, $"{customer}: points awarded once per step");
            journeyPoints.Sum(e => e.Points).Should().Be(10 + 5 + OrdersPerCustomer, customer);
            ledger.Where(e => e.Status == PointsStatus.Credited).Sum(e => e.Points).Should().Be(profile.Points, $"{customer}: the ledger and the balance agree");

            var welcome = document.State.Instances.Single(x => x.Journey == "crash-welcome");
            welcome.Status.Should().Be(InstanceStatus.Ended, $"{customer}: the 3 s wait fired after all the crashes");
            welcome.Outcome.Should().Be(InstanceOutcome.Completed);
            var history = (await store.ReadInstanceHistoryAsync(welcome.InstanceId, 0, 100)).Entries;
            history.Count(h => h.Kind == HistoryKind.Waited).Should().Be(1, customer);
            var waiting = history.Single(h => h.Kind == HistoryKind.Waiting).Time;
            lateness.Add((history.Single(h => h.Kind == HistoryKind.Waited).Time - waiting - TimeSpan.FromSeconds(3)).TotalMilliseconds);

            var messages = await store.ReadMessagesAsync(customer, 10);
            messages.Should().HaveCount(2, customer);
            messages.Should().OnlyContain(m => m.Status == DeliveryStatus.Delivered && m.Via == "webhook", customer);
            foreach (var m in messages) receiver.Delivered.Should().ContainKey(m.EffectId);
        }

        receiver.Delivered.Should().HaveCount(2 * Customers, "each send reached the receiver (redeliveries share the key)");
        receiver.BadSignatures.Should().Be(0);
        accepted.Keys.Should().OnlyContain(id => id.StartsWith("crash-", StringComparison.Ordinal));
        lateness.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"timer lateness (incl. downtime): p50 {lateness[lateness.Count / 2]:F0} ms, p99 {lateness[(int)(lateness.Count * 0.99)]:F0} ms, max {lateness[^1]:F0} ms"));
        output.WriteLine($"database: {(await store.ReadStatusAsync()).DatabaseBytes / 1024} KiB for {Customers} customers");
    }
}
