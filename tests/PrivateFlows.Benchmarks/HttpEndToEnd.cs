using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PrivateFlows.Benchmarks;

/// <summary>
/// The real host (<c>dotnet PrivateFlows.Host.dll</c>, Kestrel on loopback) in its own process: several
/// concurrent clients POST CloudEvents batches to <c>/api/events</c>; done when <c>/api/status</c> shows nothing
/// queued, no pending inbox event and no outbox left.
/// </summary>
public static class HttpEndToEnd
{
    public const int Clients = 4;

    public static async Task<RunCounts> RunAsync(Scale scale, Results results, string folder)
    {
        var db = Path.Combine(folder, "e2e-http.db");
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        using var host = Start(db, port);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients * 2 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            await WaitHealthyAsync(http, host, TimeSpan.FromSeconds(90)).ConfigureAwait(false);

            // Warm the host's JIT with its own customers, then measure.
            var warm = Workload.Mixed("hwarm", Math.Max(1, scale.WarmupEvents / 5), scale.WarmupEvents, DateTimeOffset.UtcNow.AddHours(-1), seed: 3);
            await PostAllAsync(http, warm.Bodies(EndToEnd.BatchSize)).ConfigureAwait(false);
            await WaitDrainedAsync(http, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
            var before = Count(db);

            var workload = Workload.Mixed("http", scale.Customers, scale.Events, DateTimeOffset.UtcNow.AddHours(-1), seed: 20250303);
            var bodies = workload.Bodies(EndToEnd.BatchSize);
            var cpu = CpuTime(host);
            var load = Load.Read();
            var watch = Stopwatch.StartNew();
            await PostAllAsync(http, bodies).ConfigureAwait(false);
            var posted = watch.Elapsed;
            await WaitDrainedAsync(http, TimeSpan.FromMinutes(15)).ConfigureAwait(false);
            var elapsed = watch.Elapsed;
            var hostCpu = CpuTime(host) - cpu;

            var after = Count(db);
            var counts = new RunCounts(workload.Count, after.Customers - before.Customers, after.History - before.History, after.Messages - before.Messages,
                after.Timers - before.Timers, after.Points - before.Points, after.Coupons - before.Coupons, after.AvgDocumentBytes, after.MaxDocumentBytes);
            EndToEnd.Report(results, "HTTP", counts, elapsed, posted);
            results.Add(EndToEnd.Section, "HTTP: host CPU per event", hostCpu.TotalMicroseconds / workload.Count, "µs",
                $"host process CPU (Kestrel, validation, engine); {Clients} clients × {EndToEnd.BatchSize}-event batches; load average {load}");
            return counts;
        }
        finally
        {
            try
            {
                host.Kill(entireProcessTree: true);
                await host.WaitForExitAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            SqliteConnection.ClearAllPools();
        }
    }

    private static Process Start(string db, int port)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "PrivateFlows.Host.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["PrivateFlows__Sqlite__Path"] = db;
        info.Environment["PrivateFlows__Sqlite__Synchronous"] = "Normal";
        info.Environment["PrivateFlows__Port"] = port.ToString(CultureInfo.InvariantCulture);
        info.Environment["PrivateFlows__Journeys__Path"] = Path.Combine(AppContext.BaseDirectory, "journeys");
        info.Environment["PrivateFlows__Telemetry__ConsoleMetrics"] = "false";
        info.Environment["PrivateFlows__Telemetry__ConsoleTraces"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(info) ?? throw new InvalidOperationException("the host did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data)) Console.Error.WriteLine($"    host: {e.Data}");
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process host, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (host.HasExited) throw new InvalidOperationException($"the host exited with code {host.ExitCode}");
            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative)).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException("the host did not become healthy");
    }

    private static async Task PostAllAsync(HttpClient http, List<byte[]> bodies)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                while (true)
                {
                    using var content = new ByteArrayContent(bodies[i]);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents-batch+json");
                    using var response = await http.PostAsync(new Uri("/api/events", UriKind.Relative), content).ConfigureAwait(false);
                    if (response.StatusCode == HttpStatusCode.Accepted) break;
                    if (response.StatusCode != HttpStatusCode.TooManyRequests)
                    {
                        throw new InvalidOperationException($"POST /api/events answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
                    }

                    // Backlog full: nothing was stored; a producer sends the same batch again, as the 429 asks (a short
                    // pause rather than the whole Retry-After keeps the engine fed, as the in-process producers do).
                    await Task.Delay(TimeSpan.FromMilliseconds(50)).ConfigureAwait(false);
                }
            }
        }))).ConfigureAwait(false);
    }

    private static async Task WaitDrainedAsync(HttpClient http, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            using var response = await http.GetAsync(new Uri("/api/status", UriKind.Relative)).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
            var root = json.RootElement;
            var store = root.GetProperty("store");
            if (root.GetProperty("queued").GetInt64() == 0 && store.GetProperty("pendingEvents").GetInt64() == 0 && store.GetProperty("customersWithPendingEffects").GetInt64() == 0) return;
            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new TimeoutException("the host did not drain its backlog");
    }

    private static RunCounts Count(string db) => RunCounts.Read(sql =>
    {
        using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }, 0);

    private static TimeSpan CpuTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The machine's load average: other processes on the 2 cores skew every number, so each result says what it was.</summary>
public static class Load
{
    public static string Read() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
