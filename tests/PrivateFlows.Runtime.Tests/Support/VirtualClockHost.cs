using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Tests.Support;

/// <summary>
/// The real host in memory in virtual clock mode (<c>PrivateFlows:Clock = Virtual</c>), on a temp database with the
/// built-in journeys: time moves only through <c>POST /api/clock/advance</c>, exactly as for a user of <c>--clock virtual</c>.
/// </summary>
public sealed class VirtualClockHost : WebApplicationFactory<Program>
{
    private readonly TempFolder? _folder;
    private readonly DateTimeOffset _start;
    private readonly bool _withKeys;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    /// <param name="databasePath">An existing database to run on (kept on dispose, e.g. to start again on it); default a new temp one.</param>
    public VirtualClockHost(DateTimeOffset start, bool withKeys = false, IReadOnlyDictionary<string, string?>? settings = null, string? databasePath = null)
    {
        if (databasePath is null) _folder = new TempFolder();
        DatabasePath = databasePath ?? _folder!.File("virtual.db");
        _start = start;
        _withKeys = withKeys;
        _settings = settings ?? new Dictionary<string, string?>();
    }

    public string DatabasePath { get; }

    public IJourneyStore Store => Services.GetRequiredService<IJourneyStore>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.UseSetting("PrivateFlows:Clock", "Virtual");
        builder.UseSetting("PrivateFlows:ClockStart", _start.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("PrivateFlows:Sqlite:Path", DatabasePath);
        builder.UseSetting("PrivateFlows:Journeys:Path", Paths.BuiltInJourneys);
        builder.UseSetting("PrivateFlows:Telemetry:ConsoleMetrics", "false");
        builder.UseSetting("PrivateFlows:Processing:Workers", "4");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:PrivateFlows.Runtime.Timers.VirtualTime", "Error");
        builder.UseSetting("Logging:LogLevel:PrivateFlows.Runtime.Processing.StepProcessor", "Critical");
        if (_withKeys)
        {
            builder.UseSetting("PrivateFlows:ApiKeys:Producer:0", ApiFactory.ProducerKey);
            builder.UseSetting("PrivateFlows:ApiKeys:Marketer:0", ApiFactory.MarketerKey);
            builder.UseSetting("PrivateFlows:ApiKeys:Ops:0", ApiFactory.OpsKey);
        }

        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }

    public HttpClient Client(string? key = null)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public Task IdleAsync() => Services.GetRequiredService<CustomerQueues>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary><c>POST /api/clock/advance</c>; returns the answer's <c>now</c> and <c>timersFired</c>.</summary>
    public static async Task<(DateTimeOffset Now, int TimersFired)> AdvanceAsync(HttpClient client, JsonObject body)
    {
        using var response = await client.PostAsJsonAsync("/api/clock/advance", body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"advance {body.ToJsonString()}: {(int)response.StatusCode} {text}");
        var answer = JsonNode.Parse(text)!;
        return (answer["now"]!.GetValue<DateTimeOffset>(), answer["timersFired"]!.GetValue<int>());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder?.Dispose();
    }
}
