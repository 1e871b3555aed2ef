namespace PrivateFlows.Host.Hosting;

/// <summary>Local exporters (<c>PrivateFlows:Telemetry</c>): metrics to the console once a minute, traces on demand.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "PrivateFlows:Telemetry";

    public bool ConsoleMetrics { get; set; } = true;

    public bool ConsoleTraces { get; set; }

    public int MetricsIntervalSeconds { get; set; } = 60;
}
