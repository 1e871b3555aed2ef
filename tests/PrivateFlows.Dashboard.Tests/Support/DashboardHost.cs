using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;

namespace PrivateFlows.Dashboard.Tests.Support;

/// <summary>
/// The real host as a child process (<c>dotnet PrivateFlows.Host.dll</c>) on a free loopback port with its own
/// temporary SQLite database and API keys: one key for the producer, one key holding both the marketer and ops roles
/// (what a dashboard user types into the key field).
/// </summary>
public sealed class DashboardHost : IAsyncDisposable
{
    public const string ProducerKey = "dash-producer-key-0123456789";
    public const string DashboardKey = "dash-user-key-0123456789abcdef";

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string _folder;

    private DashboardHost(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
        BaseUrl = $"http://127.0.0.1:{port}";
        Producer = Client(ProducerKey);
        User = Client(DashboardKey);
    }

    public int Port { get; }

    public string BaseUrl { get; }

    /// <summary>Sends events (producer role).</summary>
    public HttpClient Producer { get; }

    /// <summary>Marketer and ops roles, like the dashboard user.</summary>
    public HttpClient User { get; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <param name="settings">Extra configuration as environment variables (e.g. <c>PrivateFlows__Clock</c> = <c>Virtual</c>).</param>
    public static async Task<DashboardHost> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = HostAssembly();
        var folder = Path.Combine(Path.GetTempPath(), "privateflows-dashboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["PrivateFlows__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PrivateFlows__Sqlite__Path"] = Path.Combine(folder, "dashboard.db");
        start.Environment["PrivateFlows__Telemetry__ConsoleMetrics"] = "false";
        start.Environment["PrivateFlows__ApiKeys__Producer__0"] = ProducerKey;
        start.Environment["PrivateFlows__ApiKeys__Marketer__0"] = DashboardKey;
        start.Environment["PrivateFlows__ApiKeys__Ops__0"] = DashboardKey;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment.Remove("FUNCTIONS_CUSTOMHANDLER_PORT");
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet " + dll);
        var host = new DashboardHost(process, folder, port);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) break;
            try
            {
                using var response = await probe.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK) return host;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(150);
        }

        var log = host.Log;
        await host.DisposeAsync();
        throw new InvalidOperationException($"the host did not become healthy on port {port} within 60 s. Its output:\n{log}");
    }

    /// <summary>Posts CloudEvents (a batch) as the producer and waits until the engine has processed them.</summary>
    public async Task PostEventsAsync(params JsonObject[] events)
    {
        var batch = new JsonArray([.. events.Select(e => (JsonNode)e.DeepClone())]);
        using var content = new StringContent(batch.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/cloudevents-batch+json"));
        using var response = await Producer.PostAsync("/api/events", content);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        await IdleAsync();
    }

    /// <summary>Waits until no input is queued and no event is pending.</summary>
    public async Task IdleAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var status = await User.GetFromJsonAsync<JsonObject>("/api/status");
            if (status!["queued"]!.GetValue<long>() == 0 && status["store"]!["pendingEvents"]!.GetValue<long>() == 0) return;
            await Task.Delay(100);
        }

        throw new TimeoutException("the engine did not become idle within 30 s");
    }

    /// <summary>Moves the host's virtual clock forward (<c>{"by": "P1D"}</c>) and waits until everything it fired is committed.</summary>
    public async Task AdvanceClockAsync(string by)
    {
        using var response = await User.PostAsJsonAsync("/api/clock/advance", new { by });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        await IdleAsync();
    }

    /// <summary>Whether the host serves an endpoint (from its OpenAPI document), e.g. ("get", "/api/customers/{customerId}/explain").</summary>
    public async Task<bool> HasEndpointAsync(string method, string template)
    {
        var doc = await User.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var paths = doc!["paths"]!.AsObject();
        static string Normalise(string p) => System.Text.RegularExpressions.Regex.Replace(p, @"\{[^}]+\}", "{}").TrimEnd('/').ToLowerInvariant();
        return paths.Any(p => Normalise(p.Key) == Normalise(template) && p.Value is JsonObject ops && ops.ContainsKey(method.ToLowerInvariant()));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }

        _process.Dispose();
        Producer.Dispose();
        User.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // the OS cleans the temp folder eventually
        }
    }

    private HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (_log.Length < 200_000) _log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string HostAssembly()
    {
        var configured = Metadata("HostAssembly");
        if (configured is not null && File.Exists(configured)) return configured;
        var bin = Path.Combine(Repo.Root, "functions", "PrivateFlows.Host", "bin");
        var found = Directory.Exists(bin) ? Directory.EnumerateFiles(bin, "PrivateFlows.Host.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault() : null;
        return found ?? throw new InvalidOperationException($"the host is not built: {configured} does not exist (build functions/PrivateFlows.Host first)");
    }

    internal static string? Metadata(string key) =>
        typeof(DashboardHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}

public static class Repo
{
    public static string Root => DashboardHost.Metadata("RepoRoot") is { } root && File.Exists(Path.Combine(root, "PrivateFlows.sln"))
        ? root
        : throw new InvalidOperationException("RepoRoot metadata does not point at the repository");
}
