using System.Diagnostics.Metrics;
using HdrHistogram;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Sqlite;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Runtime.Telemetry;
using PrivateFlows.Runtime.Timers;
using PrivateFlows.Workflows.Customers;

namespace PrivateFlows.Benchmarks;

/// <summary>The runtime in a generic host in this process, on its own SQLite file, with the built-in journeys.</summary>
public sealed class EngineHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly MeterListener _listener = new();
    private readonly object _latenessGate = new();
    private long _steps;
    private long _stepInputs;
    private long _maxStepInputs;

    private EngineHost(IHost host, string databasePath, OffsetClock clock)
    {
        _host = host;
        DatabasePath = databasePath;
        Clock = clock;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RuntimeMetrics.MeterName && instrument.Name is "privateflows.timer.lateness" or "privateflows.step.inputs") listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((_, inputs, _, _) =>
        {
            Interlocked.Increment(ref _steps);
            Interlocked.Add(ref _stepInputs, inputs);
            InterlockedMax(ref _maxStepInputs, inputs);
        });
        _listener.SetMeasurementEventCallback<double>((_, ms, _, _) =>
        {
            if (!RecordLateness) return;
            lock (_latenessGate) Lateness.RecordValue(Math.Max(0, (long)(ms * 1000)));
        });
        _listener.Start();
    }

    public string DatabasePath { get; }

    /// <summary>Inputs (events and fired timers) decided and committed so far.</summary>
    public long StepInputs => Interlocked.Read(ref _stepInputs);

    public OffsetClock Clock { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Timer lateness (due time to decision) in microseconds, recorded while <see cref="RecordLateness"/>.</summary>
    public LongHistogram Lateness { get; } = new(TimeStamp.Minutes(60), 3);

    public bool RecordLateness { get; set; }

    public IJourneyStore Store => Services.GetRequiredService<IJourneyStore>();

    public CustomerQueues Queues => Services.GetRequiredService<CustomerQueues>();

    public EventIngest Ingest => Services.GetRequiredService<EventIngest>();

    public static async Task<EngineHost> StartAsync(string databasePath, IDictionary<string, string?>? settings = null, OffsetClock? clock = null)
    {
        clock ??= new OffsetClock();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Benchmark" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PrivateFlows:Sqlite:Path"] = databasePath,
            ["PrivateFlows:Sqlite:Synchronous"] = "Normal",
            ["PrivateFlows:Journeys:Path"] = Path.Combine(AppContext.BaseDirectory, "journeys"),
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddEnvironmentVariables("BENCH_"); // e.g. BENCH_PrivateFlows__Processing__Workers=128 to try a setting
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddPrivateFlowsRuntime(builder.Configuration).UseSqlite();
        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        var engine = new EngineHost(host, databasePath, clock);
        await engine.Queues.Ready.ConfigureAwait(false);
        return engine;
    }

    /// <summary>Feeds the events through <see cref="EventIngest"/> in batches from several concurrent producers.</summary>
    public async Task IngestAsync(IReadOnlyList<CustomerEvent> events, int batchSize, int producers, Func<int, Task>? beforeBatch = null)
    {
        var batches = events.Chunk(batchSize).ToArray();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < batches.Length)
            {
                if (beforeBatch is not null) await beforeBatch(i).ConfigureAwait(false);
                while (true)
                {
                    try
                    {
                        await Ingest.AcceptAsync(batches[i]).ConfigureAwait(false);
                        break;
                    }
                    catch (EngineBusyException)
                    {
                        // Backlog full (MaxBacklog): a producer sends the batch again; a short pause keeps the engine fed.
                        await Task.Delay(10).ConfigureAwait(false);
                    }
                }
            }
        }))).ConfigureAwait(false);
    }

    /// <summary>Waits until nothing is queued, no accepted event is pending and no outbox is left.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            await Queues.WhenIdleAsync(cancel.Token).ConfigureAwait(false);
            var status = await Store.ReadStatusAsync(cancel.Token).ConfigureAwait(false);
            if (status.PendingEvents == 0 && status.CustomersWithPendingEffects == 0 && Queues.Outstanding == 0) return;
            await Task.Delay(20, cancel.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the timer index holds no timer due before <paramref name="until"/> and everything fired was processed.</summary>
    public async Task DrainTimersAsync(DateTimeOffset until, TimeSpan timeout)
    {
        var timers = Services.GetRequiredService<TimerService>();
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var next = (await Store.ReadEarliestTimersAsync(1, cancel.Token).ConfigureAwait(false)).FirstOrDefault();
            if ((next is null || next.DueAt > until) && timers.InFlight == 0 && Queues.Outstanding == 0) return;
            await Task.Delay(50, cancel.Token).ConfigureAwait(false);
        }
    }

    public void RingTimers() => Services.GetRequiredService<TimerAlarm>().Ring();

    public long Count(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    /// <summary>How busy the store's single writer has been so far (wall and thread CPU in transactions).</summary>
    internal PrivateFlows.Runtime.Sqlite.WriterLoad WriterLoad => Services.GetRequiredService<SqliteJourneyStore>().WriterLoad;

    public async ValueTask DisposeAsync()
    {
        // The single writer is the engine's bottleneck: how busy it was over this engine's life (to stderr, per run).
        var load = WriterLoad;
        await Console.Error.WriteLineAsync($"  writer ({Path.GetFileName(DatabasePath)}): busy {load.Busy.TotalMilliseconds:F0} ms, thread CPU {load.Cpu.TotalMilliseconds:F0} ms, " +
            $"{load.Transactions:N0} transactions, {load.Writes:N0} writes; {_steps:N0} step commits, inputs per step mean {_stepInputs / (double)Math.Max(1, _steps):F2}, max {_maxStepInputs}").ConfigureAwait(false);
        _listener.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(stop.Token).ConfigureAwait(false);
        _host.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
