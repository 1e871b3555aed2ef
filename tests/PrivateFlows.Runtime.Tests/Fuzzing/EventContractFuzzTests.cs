using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Runtime.Timers;
using PrivateFlows.Workflows.Engine;
using Xunit.Abstractions;

namespace PrivateFlows.Runtime.Tests.Fuzzing;

/// <summary>
/// Fuzzes <c>POST /api/events</c> in-process against the real host (see docs/fuzzing.md, "Event contract (JSON)").
/// Fixed seed, a fixed number of inputs (<c>PRIVATEFLOWS_FUZZ_ITERATIONS</c> for a long run). Properties: no 5xx and no
/// exception, every answer within a time bound, bounded memory, nothing stored for a refused input, and no accepted
/// event ever becomes poison, not even after a year of timers.
/// </summary>
public sealed class EventContractFuzzTests(ITestOutputHelper output) : IDisposable
{
    public const int Seed = 20261206;
    public const int DefaultIterations = 1500;

    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(10); // generous: two busy cores, shared
    private readonly ApiFactory _api = new();

    public void Dispose() => _api.Dispose();

    private IJourneyStore Store => _api.Services.GetRequiredService<IJourneyStore>();

    public static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("PRIVATEFLOWS_FUZZ_ITERATIONS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : DefaultIterations;

    [Fact]
    public async Task The_event_contract_survives_structure_aware_fuzzing()
    {
        using var producer = _api.Client(ApiFactory.ProducerKey);
        using var ops = _api.Client(ApiFactory.OpsKey);
        var mutator = new EventMutator(Seed);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var accepted = new List<string>();
        var slowest = TimeSpan.Zero;
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        var iterations = Iterations;

        for (var i = 0; i < iterations && failures.Count < 10; i++)
        {
            var input = mutator.Next(i);
            using var content = new ByteArrayContent(input.Body);
            if (input.ContentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", input.ContentType);
            var started = Stopwatch.GetTimestamp();
            HttpStatusCode status;
            string text;
            try
            {
                using var response = await producer.PostAsync("/api/events", content).WaitAsync(PerRequest);
                status = response.StatusCode;
                text = await response.Content.ReadAsStringAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"#{i} threw {e.GetType().Name}: {e.Message} [{input.Recipe}] {Preview(input.Body)}");
                continue;
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            slowest = elapsed > slowest ? elapsed : slowest;
            statuses[(int)status] = statuses.GetValueOrDefault((int)status) + 1;
            if (status is not (HttpStatusCode.Accepted or HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType))
            {
                failures.Add($"#{i} answered {(int)status}: {text[..Math.Min(300, text.Length)]} [{input.Recipe}] {Preview(input.Body)}");
                continue;
            }

            if (status == HttpStatusCode.Accepted)
            {
                accepted.AddRange(input.Subjects);
                continue;
            }

            // Refused: not a trace of it, for every customer it named (only ids unique to this input: others may exist).
            foreach (var subject in input.Subjects.Where(s => s.StartsWith($"fz-{i}-", StringComparison.Ordinal)))
            {
                if ((await Store.ReadEventsAsync(subject, 0, 1)).Count > 0 || await Store.ReadCustomerAsync(subject) is not null)
                {
                    failures.Add($"#{i} answered {(int)status} but stored events for '{subject}' [{input.Recipe}]");
                }
            }
        }

        var ingestTime = watch.Elapsed;
        // Accepted events run, and then a year passes: timers (birthdays, win-back, repurchase) fire on the data they accepted.
        await SettleAsync();
        foreach (var step in new[] { TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(3), TimeSpan.FromDays(7), TimeSpan.FromDays(14), TimeSpan.FromDays(30), TimeSpan.FromDays(60), TimeSpan.FromDays(90), TimeSpan.FromDays(160) })
        {
            _api.Clock.Advance(step);
            await SettleAsync();
        }

        var poison = await ops.GetFromJsonAsyncSafe("/api/poison?limit=50");
        foreach (var p in poison) failures.Add($"poison: {p}");
        foreach (var subject in accepted.Distinct(StringComparer.Ordinal))
        {
            // Accepted data never faults a journey (a birthday of 13-45 once did, when its day came).
            var document = await Store.ReadCustomerAsync(subject);
            foreach (var faulted in document?.State.Instances.Where(x => x.Status == InstanceStatus.Faulted) ?? [])
            {
                failures.Add($"accepted customer '{subject}': {faulted.InstanceId} faulted: {faulted.Error}");
            }
        }

        foreach (var subject in accepted.Distinct(StringComparer.Ordinal).Take(200))
        {
            using var response = await ops.GetAsync($"/api/customers/{Uri.EscapeDataString(subject)}/history");
            if ((int)response.StatusCode >= 500) failures.Add($"GET history of accepted customer '{subject}' answered {(int)response.StatusCode}");
        }

        var memoryGrowth = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        output.WriteLine($"seed {Seed}, {iterations} inputs in {ingestTime.TotalSeconds:F1} s (+{(watch.Elapsed - ingestTime).TotalSeconds:F1} s of timers); " +
            $"answers {string.Join(", ", statuses.Select(kv => $"{kv.Key}×{kv.Value}"))}; slowest {slowest.TotalMilliseconds:F0} ms; managed heap growth {memoryGrowth / 1024 / 1024} MB");
        foreach (var f in failures) output.WriteLine("FAIL " + f[..Math.Min(f.Length, 400)]);
        failures.Should().BeEmpty();
        slowest.Should().BeLessThan(PerRequest);
        memoryGrowth.Should().BeLessThan(512L * 1024 * 1024, "a 1 MB body limit keeps memory bounded");
    }

    private async Task SettleAsync()
    {
        var queues = _api.Services.GetRequiredService<CustomerQueues>();
        var timers = _api.Services.GetRequiredService<TimerService>();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(180))
        {
            await queues.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(180));
            var next = (await Store.ReadEarliestTimersAsync(1)).FirstOrDefault();
            if ((next is null || next.DueAt > _api.Clock.GetUtcNow()) && queues.Outstanding == 0 && timers.InFlight == 0) return;
            await Task.Delay(10);
        }

        throw new TimeoutException("the engine did not settle within 180 s");
    }

    private static string Preview(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400));
        return string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}

internal static class FuzzHttp
{
    public static async Task<IReadOnlyList<string>> GetFromJsonAsyncSafe(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) return [$"GET {path} answered {(int)response.StatusCode}: {text}"];
        return [.. JsonNode.Parse(text)!.AsArray().Select(p => $"{p!["customerId"]} {p["kind"]}: {p["reason"]}")];
    }
}
