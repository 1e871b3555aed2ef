using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;
using PrivateFlows.Runtime.Timers;

namespace PrivateFlows.Runtime.Tests.Insights;

/// <summary>
/// The real host in memory with API keys and a fake clock, like <see cref="ApiFactory"/>, plus extra settings (contact
/// policy, program, costs) and helpers: publish a journey, post events, let time pass stopping at every timer.
/// </summary>
public sealed class InsightsApi : WebApplicationFactory<Program>
{
    private readonly TempFolder _folder = new();
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private HttpClient? _producer;
    private HttpClient? _marketer;
    private HttpClient? _ops;

    public InsightsApi(IReadOnlyDictionary<string, string?>? settings = null, bool builtInJourneys = true)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (!builtInJourneys) all.TryAdd("PrivateFlows:Journeys:Path", "");
        _settings = all;
    }

    public FakeTimeProvider Clock { get; } = new(EngineHarness.Start);

    public DateTimeOffset Now => Clock.GetUtcNow();

    public string DatabasePath => _folder.File("insights.db");

    public HttpClient Producer => _producer ??= Client(ApiFactory.ProducerKey);

    public HttpClient Marketer => _marketer ??= Client(ApiFactory.MarketerKey);

    public HttpClient Ops => _ops ??= Client(ApiFactory.OpsKey);

    public IJourneyStore Store => Services.GetRequiredService<IJourneyStore>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.UseSetting("PrivateFlows:Sqlite:Path", DatabasePath);
        builder.UseSetting("PrivateFlows:Journeys:Path", Paths.BuiltInJourneys);
        builder.UseSetting("PrivateFlows:Telemetry:ConsoleMetrics", "false");
        builder.UseSetting("PrivateFlows:Processing:Workers", "4");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:PrivateFlows.Runtime.Processing.StepProcessor", "Critical");
        builder.UseSetting("PrivateFlows:ApiKeys:Producer:0", ApiFactory.ProducerKey);
        builder.UseSetting("PrivateFlows:ApiKeys:Marketer:0", ApiFactory.MarketerKey);
        builder.UseSetting("PrivateFlows:ApiKeys:Ops:0", ApiFactory.OpsKey);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public HttpClient Client(string? key)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>Publishes a journey through the API (marketer), its templates in zh-CN and en.</summary>
    public async Task PublishAsync(string yaml, params string[] templates)
    {
        var body = new
        {
            yaml,
            templates = templates.SelectMany(t => new[] { new { name = t, locale = "zh-CN", text = $"{t} {{{{ customer.name }}}}" }, new { name = t, locale = "en", text = $"{t} {{{{ customer.name }}}}" } }).ToArray(),
        };
        using var response = await Marketer.PostAsJsonAsync("/api/journeys", body);
        response.StatusCode.Should().BeOneOf([HttpStatusCode.Created, HttpStatusCode.OK], await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts events (a batch) as the producer and waits until everything they cause is processed.</summary>
    public async Task SendAsync(params JsonObject[] events)
    {
        using var response = await Producer.PostAsync("/api/events", CloudEvents.Batch(events));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        await SettleAsync();
    }

    /// <summary>
    /// Hands events to the engine behind the HTTP door (its bounds checks): data that was stored before those checks
    /// existed, or that arrives another way, must still never break the engine or the reads.
    /// </summary>
    public async Task SendPastIngestChecksAsync(params JsonObject[] events)
    {
        var read = events.Select(e => PrivateFlows.Workflows.Customers.CloudEventReader.Read(e, Now)).ToList();
        read.Should().OnlyContain(r => r.Ok);
        await Services.GetRequiredService<PrivateFlows.Runtime.Processing.EventIngest>().AcceptAsync([.. read.Select(r => r.Event!)]);
        await SettleAsync();
    }

    public async Task<JsonObject> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"{path}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonArray> GetArrayAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"{path}: {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    /// <summary>The customer's whole history, oldest first.</summary>
    public async Task<List<JsonObject>> HistoryAsync(string customerId)
    {
        var page = await GetAsync(Ops, $"/api/customers/{customerId}/history?limit=5000");
        return [.. page["entries"]!.AsArray().Select(e => e!.AsObject())];
    }

    /// <summary>Lets time pass to <paramref name="target"/>, stopping at every timer on the way.</summary>
    public async Task AdvanceToAsync(DateTimeOffset target)
    {
        await SettleAsync();
        while (true)
        {
            var next = (await Store.ReadEarliestTimersAsync(1)).FirstOrDefault();
            if (next is null || next.DueAt > target) break;
            if (next.DueAt > Now) Clock.SetUtcNow(next.DueAt);
            await SettleAsync();
        }

        if (target > Now) Clock.SetUtcNow(target);
        await SettleAsync();
    }

    /// <summary>Waits (real time, bounded) until no request is queued and no timer is due.</summary>
    public async Task SettleAsync()
    {
        var queues = Services.GetRequiredService<CustomerQueues>();
        var timers = Services.GetRequiredService<TimerService>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await queues.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var next = (await Store.ReadEarliestTimersAsync(1)).FirstOrDefault();
            var due = next is not null && next.DueAt <= Now;
            if (!due && queues.Outstanding == 0 && timers.InFlight == 0) return;
            await Task.Delay(5);
        }

        throw new TimeoutException("the engine did not settle within 30 s");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _producer?.Dispose();
            _marketer?.Dispose();
            _ops?.Dispose();
        }

        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}

/// <summary>CloudEvents for the insights tests, at explicit times.</summary>
public static class Ce
{
    public static JsonObject Event(string type, string customer, string id, DateTimeOffset at, JsonObject? data = null) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = id,
        ["type"] = type,
        ["source"] = "test",
        ["subject"] = customer,
        ["time"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["data"] = data ?? new JsonObject(),
    };

    public static JsonObject Registered(string customer, DateTimeOffset at, JsonObject? channels = null, string? phone = null, string locale = "zh-CN")
    {
        var data = new JsonObject
        {
            ["name"] = "林晓",
            ["email"] = $"{customer}@example.com",
            ["locale"] = locale,
            ["timeZone"] = "Asia/Shanghai",
            ["channels"] = channels ?? new JsonObject { ["app_push"] = true, ["sms"] = true, ["email"] = true, ["wecom"] = true, ["miniprogram"] = true },
        };
        if (phone is not null) data["phone"] = phone;
        return Event("customer.registered", customer, $"reg-{customer}", at, data);
    }

    public static JsonObject Order(string customer, string id, decimal amount, DateTimeOffset at) =>
        Event("order.completed", customer, id, at, new JsonObject
        {
            ["orderId"] = $"SO-{id}",
            ["amount"] = amount,
            ["items"] = new JsonArray(new JsonObject { ["sku"] = "TEA", ["quantity"] = 1 }),
        });

    public static JsonObject AppOpened(string customer, string id, DateTimeOffset at) => Event("app.opened", customer, id, at, new JsonObject { ["screen"] = "home" });
}
