using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PrivateFlows.Runtime.Telemetry;

namespace PrivateFlows.Host.Hosting;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// OpenTelemetry traces (engine spans + ASP.NET Core), metrics (engine meter + ASP.NET Core) and, with
    /// OTLP, logs. The standard <c>OTEL_*</c> variables decide: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (and its
    /// protocol, headers and per-signal variants, read by the exporter itself) turns OTLP on,
    /// <c>OTEL_SERVICE_NAME</c> and <c>OTEL_RESOURCE_ATTRIBUTES</c> describe the service,
    /// <c>OTEL_SDK_DISABLED=true</c> turns everything off. Console exporters are opt-in (<see cref="TelemetryOptions"/>).
    /// </summary>
    public static IServiceCollection AddPrivateFlowsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var export = TelemetryExport.From(configuration);
        services.AddSingleton(export);
        if (!export.Enabled)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(export.ServiceName))
            .WithTracing(t =>
            {
                t.AddSource(RuntimeActivity.Name).AddAspNetCoreInstrumentation();
                if (export.ConsoleTraces) t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter(RuntimeMetrics.MeterName).AddAspNetCoreInstrumentation();
                if (export.ConsoleMetrics)
                {
                    m.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = export.MetricsIntervalSeconds * 1000);
                }
            });

        // One OTLP exporter for all three signals; it reads OTEL_EXPORTER_OTLP_* from configuration itself.
        if (export.Otlp)
        {
            telemetry.WithLogging().UseOtlpExporter();
        }

        return services;
    }
}
