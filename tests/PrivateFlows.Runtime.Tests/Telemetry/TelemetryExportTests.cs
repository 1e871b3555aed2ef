using Microsoft.Extensions.Configuration;
using PrivateFlows.Host.Hosting;

namespace PrivateFlows.Runtime.Tests.Telemetry;

/// <summary>Which exporters the local host switches on, from the standard OTEL_* variables and PrivateFlows:Telemetry.</summary>
public sealed class TelemetryExportTests
{
    [Fact]
    public void From_NothingSet_QuietConsoleNoOtlpDefaultServiceName()
    {
        var export = TelemetryExport.From(Configuration());

        export.Should().Be(new TelemetryExport(Enabled: true, ServiceName: "privateflows", Otlp: false, ConsoleMetrics: false, ConsoleTraces: false, MetricsIntervalSeconds: 60));
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")]
    [InlineData("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")]
    [InlineData("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")]
    public void From_AnOtlpEndpoint_TurnsOtlpOn(string variable)
    {
        TelemetryExport.From(Configuration((variable, "http://127.0.0.1:4318"))).Otlp.Should().BeTrue();
    }

    [Fact]
    public void From_BlankOtlpEndpoint_LeavesOtlpOff()
    {
        TelemetryExport.From(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", " "))).Otlp.Should().BeFalse();
    }

    [Fact]
    public void From_OtelServiceName_NamesTheService()
    {
        TelemetryExport.From(Configuration(("OTEL_SERVICE_NAME", "pf-laptop"))).ServiceName.Should().Be("pf-laptop");
    }

    [Theory]
    [InlineData("true", false)]
    [InlineData("TRUE", false)]
    [InlineData("false", true)]
    [InlineData("", true)]
    public void From_OtelSdkDisabled_TurnsTelemetryOff(string value, bool enabled)
    {
        TelemetryExport.From(Configuration(("OTEL_SDK_DISABLED", value))).Enabled.Should().Be(enabled);
    }

    [Fact]
    public void From_ConsoleExporters_AreOptIn()
    {
        var export = TelemetryExport.From(Configuration(
            ("PrivateFlows:Telemetry:ConsoleMetrics", "true"),
            ("PrivateFlows:Telemetry:ConsoleTraces", "true"),
            ("PrivateFlows:Telemetry:MetricsIntervalSeconds", "0")));

        export.ConsoleMetrics.Should().BeTrue();
        export.ConsoleTraces.Should().BeTrue();
        export.MetricsIntervalSeconds.Should().Be(1, "a zero interval would spin");
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
