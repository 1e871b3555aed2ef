using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Telemetry;

/// <summary>
/// The local host as a real process, started and stopped gracefully (SIGTERM, so exporters flush): by default
/// the console carries the host's log lines only; the console metrics exporter prints only when asked for.
/// </summary>
public sealed class QuietConsoleTests : IDisposable
{
    /// <summary>Every metric the console exporter prints starts with this.</summary>
    private const string ConsoleMetricLine = "Metric Name:";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Starting_and_stopping_the_host_with_default_settings_prints_no_metrics()
    {
        var log = await StartAndStopAsync(new Dictionary<string, string>());

        log.Should().NotContain(ConsoleMetricLine);
        log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.Should().BeLessThan(40, $"the console should stay quiet, but it printed:\n{log}");
    }

    [Fact]
    public async Task Console_metrics_print_when_switched_on()
    {
        var log = await StartAndStopAsync(new Dictionary<string, string> { ["PrivateFlows__Telemetry__ConsoleMetrics"] = "true" });

        log.Should().Contain(ConsoleMetricLine, "the opt-in still works (and this test proves the quiet one could fail)");
    }

    private async Task<string> StartAndStopAsync(Dictionary<string, string> settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["PrivateFlows__Sqlite__Path"] = _folder.File($"quiet-{Guid.NewGuid():N}.db"),
            ["PrivateFlows__Journeys__Path"] = Paths.BuiltInJourneys,
            // An OTLP endpoint set on the machine running the tests must not send these runs' telemetry anywhere.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
        };
        foreach (var (key, value) in settings) environment[key] = value;

        using var host = new HostProcess(HostProcess.FreePort(), environment);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await host.StartAsync(http, TimeSpan.FromSeconds(60));
        (await http.GetAsync(new Uri(host.BaseAddress, "/healthz"))).EnsureSuccessStatusCode();
        host.Stop(TimeSpan.FromSeconds(30)).Should().BeTrue($"the host should stop on SIGTERM:\n{host.Log}");
        return host.Log;
    }
}
