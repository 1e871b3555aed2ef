namespace PrivateFlows.Host.Hosting;

/// <summary>
/// Console exporters of the local host (<c>PrivateFlows:Telemetry</c>), both opt-in: metrics once a
/// minute would otherwise fill the terminal (and print hundreds of lines on every stop).
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "PrivateFlows:Telemetry";

    public bool ConsoleMetrics { get; set; }

    public bool ConsoleTraces { get; set; }

    public int MetricsIntervalSeconds { get; set; } = 60;
}
