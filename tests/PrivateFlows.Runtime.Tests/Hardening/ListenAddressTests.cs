using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using PrivateFlows.Host.Hosting;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Hardening;

/// <summary>
/// The host listens where the usual ASP.NET Core settings say (issue #18, item 15), and without API keys only ever on
/// loopback, however the address was configured (issue #17, item 8).
/// </summary>
public sealed class ListenAddressTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("https://[::1]:5001", true)]
    [InlineData("http://127.0.0.2:5000", true)]
    [InlineData("http://0.0.0.0:5000", false)]
    [InlineData("http://*:5000", false)]
    [InlineData("http://+:5000", false)]
    [InlineData("http://[::]:5000", false)]
    [InlineData("http://192.168.1.20:5000", false)]
    [InlineData("http://example.internal:5000", false)]
    public void IsLoopback_Address_TellsLoopbackFromEverythingElse(string address, bool loopback) =>
        ListenAddress.IsLoopback(address).Should().Be(loopback);

    [Fact]
    public void Configured_KestrelEndpointsUrlsAndPorts_KestrelEndpointsWinThenUrlsThenPorts()
    {
        Configured(("urls", "http://127.0.0.1:1;http://0.0.0.0:2"), ("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:3"))
            .Should().Equal("http://0.0.0.0:3");
        Configured(("urls", "http://127.0.0.1:1; http://0.0.0.0:2"), ("http_ports", "8080")).Should().Equal("http://127.0.0.1:1", "http://0.0.0.0:2");
        Configured(("http_ports", "8080;8081")).Should().Equal("http://*:8080", "http://*:8081");
        Configured(("PrivateFlows:Port", "7071")).Should().BeEmpty("PrivateFlows:Port is the host's own shortcut, used when nothing else is set");
    }

    [Fact]
    public async Task Host_StartedWithUrls_ListensThereNotOnPrivateFlowsPort()
    {
        var port = HostProcess.FreePort();
        var shortcut = HostProcess.FreePort();
        using var host = new HostProcess(port, Environment(("PrivateFlows__Port", shortcut.ToString(System.Globalization.CultureInfo.InvariantCulture))), ["--urls", $"http://127.0.0.1:{port}"]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        await host.StartAsync(http, Deadline);

        (await http.GetAsync(new Uri(host.BaseAddress, "/healthz"))).StatusCode.Should().Be(HttpStatusCode.OK);
        host.Log.Should().Contain($"listening on loopback only (http://127.0.0.1:{port})", "the dev-mode warning names the real address");
    }

    [Fact]
    public async Task Host_PortInUse_SaysSoInOneLineAndExitsNonZero()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exit, stdout, stderr) = await RunToExitAsync(["--urls", $"http://127.0.0.1:{port}"], Environment());

        exit.Should().NotBe(0);
        Lines(stderr).Should().Equal($"port {port} is in use; start with --urls http://127.0.0.1:{port + 1} or set PrivateFlows:Port");
        stdout.Should().NotContain("   at ", "no stack trace");
    }

    [Theory]
    [InlineData("Kestrel__Endpoints__Http__Url", "http://0.0.0.0:{0}")]
    [InlineData("ASPNETCORE_URLS", "http://+:{0}")]
    [InlineData("ASPNETCORE_HTTP_PORTS", "{0}")]
    public async Task Host_WithoutApiKeysOnANonLoopbackAddress_RefusesToStartInOneLine(string variable, string value)
    {
        var port = HostProcess.FreePort();

        var (exit, _, stderr) = await RunToExitAsync([], Environment((variable, string.Format(System.Globalization.CultureInfo.InvariantCulture, value, port))));

        exit.Should().NotBe(0);
        Lines(stderr).Should().ContainSingle().Which.Should().StartWith("refusing to start: ").And.Contain("no API keys are configured");
    }

    [Fact]
    public async Task Host_WithoutApiKeysStartedWithUrlsOnAnyAddress_RefusesToStart()
    {
        var (exit, _, stderr) = await RunToExitAsync(["--urls", $"http://0.0.0.0:{HostProcess.FreePort()}"], Environment());

        exit.Should().NotBe(0);
        Lines(stderr).Should().ContainSingle().Which.Should().StartWith("refusing to start: ");
    }

    private Dictionary<string, string> Environment(params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["PrivateFlows__Sqlite__Path"] = _folder.File($"{Guid.NewGuid():N}.db"),
            ["PrivateFlows__Telemetry__ConsoleMetrics"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunToExitAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet", [HostProcess.HostAssembly, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var inherited in new[] { "FUNCTIONS_CUSTOMHANDLER_PORT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "PrivateFlows__ApiKeys__Ops__0" })
        {
            info.Environment.Remove(inherited);
        }

        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the host did not exit within {Deadline}:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static IReadOnlyList<string> Configured(params (string Key, string Value)[] settings) =>
        ListenAddress.Configured(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    public void Dispose() => _folder.Dispose();
}
