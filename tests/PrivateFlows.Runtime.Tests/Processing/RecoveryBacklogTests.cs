using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Processing;

/// <summary>
/// The start-up recovery pass keeps the in-memory backlog within <see cref="ProcessingOptions.MaxBacklog"/> like
/// ingest does: a crash that left many accepted events does not put them all in memory at once.
/// </summary>
public sealed class RecoveryBacklogTests : IDisposable
{
    private static readonly TimeSpan GateTimeout = TimeSpan.FromSeconds(30);
    private readonly TempFolder _folder = new();
    private readonly ManualResetEventSlim _gate = new();

    public void Dispose()
    {
        _gate.Set();
        _gate.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task StartAsync_MorePendingEventsThanTheBacklogHolds_QueuesThemWithinTheBacklog()
    {
        var clock = new FakeTimeProvider(EngineHarness.Start);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PrivateFlows:Sqlite:Path"] = _folder.File("recovery.db"),
            ["PrivateFlows:Journeys:Path"] = Paths.BuiltInJourneys,
            ["PrivateFlows:Processing:Workers"] = "2",
            ["PrivateFlows:Processing:MaxBacklog"] = "10",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddPrivateFlowsRuntime(builder.Configuration).UseSqlite();
        using var host = builder.Build();
        // Accepted before a crash, never processed: 30 of them, three times the backlog.
        var store = host.Services.GetRequiredService<IJourneyStore>();
        await store.AcceptEventsAsync([.. Enumerable.Range(0, 30).Select(i => Events.Registered($"c{i:D2}", clock.GetUtcNow()))], clock.GetUtcNow());
        var processor = host.Services.GetRequiredService<StepProcessor>();
        var decide = processor.Decide;
        processor.Decide = (state, input, context) =>
        {
            _gate.Wait(GateTimeout);
            return decide(state, input, context);
        };
        var queues = host.Services.GetRequiredService<CustomerQueues>();

        var starting = host.StartAsync();
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (queues.Outstanding < 10 && DateTime.UtcNow < deadline) await Task.Delay(10);

            queues.Outstanding.Should().Be(10, "recovery queued up to the backlog limit and waits for room while nothing is processed");
            queues.Ready.IsCompleted.Should().BeFalse("the rest of the recovered events are not queued yet");

            _gate.Set();
            await starting.WaitAsync(TimeSpan.FromSeconds(30));
            await queues.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
            (await store.ReadStatusAsync()).PendingEvents.Should().Be(0, "all 30 were processed in the end");
        }
        finally
        {
            _gate.Set();
            await starting.WaitAsync(TimeSpan.FromSeconds(30));
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(stop.Token);
        }
    }
}
