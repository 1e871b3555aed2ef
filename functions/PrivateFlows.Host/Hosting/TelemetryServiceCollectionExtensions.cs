using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PrivateFlows.Runtime.Telemetry;

namespace PrivateFlows.Host.Hosting;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>OpenTelemetry traces (engine spans + ASP.NET Core) and metrics (engine meter + ASP.NET Core), console exporters locally.</summary>
    public static IServiceCollection AddPrivateFlowsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("privateflows"))
            .WithTracing(t =>
            {
                t.AddSource(RuntimeActivity.Name).AddAspNetCoreInstrumentation();
                if (settings.ConsoleTraces) t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter(RuntimeMetrics.MeterName).AddAspNetCoreInstrumentation();
                if (settings.ConsoleMetrics)
                {
                    m.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = Math.Max(1, settings.MetricsIntervalSeconds) * 1000);
                }
            });
        return services;
    }
}
