namespace PrivateFlows.Host.Hosting;

/// <summary>
/// Where the local host's telemetry goes, from the standard OpenTelemetry variables plus
/// <c>PrivateFlows:Telemetry</c>: OTLP when an OTLP endpoint is set, the console only when asked for
/// (a quiet terminal by default), nothing at all under <c>OTEL_SDK_DISABLED=true</c>.
/// </summary>
public sealed record TelemetryExport(bool Enabled, string ServiceName, bool Otlp, bool ConsoleMetrics, bool ConsoleTraces, int MetricsIntervalSeconds)
{
    public const string DefaultServiceName = "privateflows";

    /// <summary>The endpoint variables of the OTLP exporter: the shared one or any per-signal one turns OTLP on.</summary>
    private static readonly string[] OtlpEndpoints =
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    ];

    public static TelemetryExport From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var serviceName = configuration["OTEL_SERVICE_NAME"];
        return new TelemetryExport(
            Enabled: !bool.TryParse(configuration["OTEL_SDK_DISABLED"], out var disabled) || !disabled,
            ServiceName: string.IsNullOrWhiteSpace(serviceName) ? DefaultServiceName : serviceName.Trim(),
            Otlp: OtlpEndpoints.Any(name => !string.IsNullOrWhiteSpace(configuration[name])),
            ConsoleMetrics: options.ConsoleMetrics,
            ConsoleTraces: options.ConsoleTraces,
            MetricsIntervalSeconds: Math.Max(1, options.MetricsIntervalSeconds));
    }
}
