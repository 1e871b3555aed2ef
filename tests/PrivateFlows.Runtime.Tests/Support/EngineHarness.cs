using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Timers;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Runtime.Tests.Support;

/// <summary>
/// The runtime in a generic host on a temp database with a <see cref="FakeTimeProvider"/>: tests send events,
/// move the clock, and wait until everything due has been processed.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    /// <summary>Monday 2025-03-03 10:00 in Shanghai: outside quiet hours.</summary>
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);

    private readonly IHost _host;

    private EngineHarness(IHost host, FakeTimeProvider clock, string databasePath)
    {
        _host = host;
        Clock = clock;
        DatabasePath = databasePath;
    }

    public FakeTimeProvider Clock { get; }

    public string DatabasePath { get; }

    public IServiceProvider Services => _host.Services;

    public IJourneyStore Store => Services.GetRequiredService<IJourneyStore>();

    public CustomerQueues Queues => Services.GetRequiredService<CustomerQueues>();

    public StepProcessor Processor => Services.GetRequiredService<StepProcessor>();

    public DateTimeOffset Now => Clock.GetUtcNow();

    public static async Task<EngineHarness> StartAsync(string databasePath, string? journeys = null, FakeTimeProvider? clock = null, IDictionary<string, string?>? settings = null)
    {
        clock ??= new FakeTimeProvider(Start);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PrivateFlows:Sqlite:Path"] = databasePath,
            ["PrivateFlows:Journeys:Path"] = journeys ?? Paths.BuiltInJourneys,
            ["PrivateFlows:Processing:Workers"] = "4",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("PrivateFlows.Runtime.Processing.StepProcessor", LogLevel.Critical);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddPrivateFlowsRuntime(builder.Configuration).UseSqlite();
        var host = builder.Build();
        await host.StartAsync();
        return new EngineHarness(host, clock, databasePath);
    }

    public Task<IngestResult> SendAsync(params CustomerEvent[] events) => Services.GetRequiredService<EventIngest>().AcceptAsync(events);

    /// <summary>Sends and waits until everything that follows has been processed.</summary>
    public async Task<IngestResult> DeliverAsync(params CustomerEvent[] events)
    {
        var result = await SendAsync(events);
        await SettleAsync();
        return result;
    }

    /// <summary>Moves the clock and waits for every timer that fell due (and what they caused).</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        await SettleAsync();
    }

    /// <summary>Lets time pass up to <paramref name="target"/> stopping at every timer on the way, as a real clock would.</summary>
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
        var timers = Services.GetRequiredService<TimerService>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Queues.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var next = (await Store.ReadEarliestTimersAsync(1)).FirstOrDefault();
            var due = next is not null && next.DueAt <= Now;
            if (!due && Queues.Outstanding == 0 && timers.InFlight == 0) return;
            await Task.Delay(5);
        }

        throw new TimeoutException("the engine did not settle within 30 s");
    }

    public async Task<CustomerDocument> CustomerAsync(string customerId) =>
        await Store.ReadCustomerAsync(customerId) ?? throw new InvalidOperationException($"no customer {customerId}");

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(stop.Token);
        _host.Dispose();
    }
}
