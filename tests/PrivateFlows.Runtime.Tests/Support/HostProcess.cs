using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PrivateFlows.Runtime.Tests.Support;

/// <summary>The engine host as a real child process (<c>dotnet PrivateFlows.Host.dll</c>) on a loopback port.</summary>
public sealed class HostProcess : IDisposable
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly StringBuilder _log = new();
    private Process? _process;

    public HostProcess(int port, IReadOnlyDictionary<string, string> environment)
    {
        Port = port;
        _environment = environment;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public int Starts { get; private set; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public static string HostAssembly
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "PrivateFlows.Host.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("the host assembly is not beside the tests", path);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task StartAsync(HttpClient client, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet", [HostAssembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        // PrivateFlows__Port, not FUNCTIONS_CUSTOMHANDLER_PORT: that one switches the app into custom-handler mode (timers via Service Bus).
        info.Environment.Remove("FUNCTIONS_CUSTOMHANDLER_PORT");
        info.Environment["PrivateFlows__Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in _environment) info.Environment[key] = value;
        _process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Starts++;

        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the host exited with {_process.ExitCode}:\n{Log}");
            try
            {
                using var response = await client.GetAsync(new Uri(BaseAddress, "/healthz"));
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"the host did not become healthy within {timeout}:\n{Log}");
    }

    /// <summary>kill -TERM: the host shuts down gracefully (exporters flush); true when it exited within <paramref name="timeout"/>.</summary>
    public bool Stop(TimeSpan timeout)
    {
        if (_process is null) return true;
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            term?.WaitForExit(10_000);
        }

        var exited = _process.WaitForExit(timeout);
        if (exited) _process.WaitForExit(); // drain the redirected output
        return exited;
    }

    /// <summary>kill -9: no shutdown code runs.</summary>
    public void Kill()
    {
        if (_process is null) return;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.WaitForExit(10_000);
        _process.Dispose();
        _process = null;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (_log.Length < 200_000) _log.AppendLine(line);
        }
    }

    public void Dispose() => Kill();
}
