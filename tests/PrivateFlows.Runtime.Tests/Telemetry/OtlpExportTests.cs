using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PrivateFlows.Runtime.Tests.Support;

namespace PrivateFlows.Runtime.Tests.Telemetry;

/// <summary>With OTEL_EXPORTER_OTLP_ENDPOINT set, the local host sends traces, metrics and logs to that collector.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Host_with_an_otlp_endpoint_exports_traces_metrics_and_logs_under_its_otel_service_name()
    {
        using var collector = new FakeOtlpCollector();
        await using var factory = new OtlpHost(collector.Endpoint);
        using var client = factory.CreateClient();

        (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).EnsureSuccessStatusCode();
        factory.Services.GetRequiredService<TracerProvider>().ForceFlush(5_000).Should().BeTrue();
        factory.Services.GetRequiredService<MeterProvider>().ForceFlush(5_000).Should().BeTrue();
        factory.Services.GetRequiredService<LoggerProvider>().ForceFlush(5_000).Should().BeTrue();

        var received = await collector.WaitForAsync(["/v1/traces", "/v1/metrics", "/v1/logs"], TimeSpan.FromSeconds(30));
        received.Should().BeTrue($"the collector saw {string.Join(", ", collector.Paths)}");
        collector.Body("/v1/traces").Should().Contain(OtlpHost.ServiceName, "OTEL_SERVICE_NAME names the service on every signal");
        collector.Body("/v1/metrics").Should().Contain("http.server.request.duration", "the host's metrics are exported");
    }

    private sealed class OtlpHost(Uri endpoint) : WebApplicationFactory<Program>
    {
        public const string ServiceName = "privateflows-otlp-test";

        private readonly TempFolder _folder = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Test");
            builder.UseSetting("PrivateFlows:Sqlite:Path", _folder.File("otlp.db"));
            builder.UseSetting("PrivateFlows:Journeys:Path", Paths.BuiltInJourneys);
            builder.UseSetting("PrivateFlows:Processing:Workers", "2");
            builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.ToString());
            builder.UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
            builder.UseSetting("OTEL_SERVICE_NAME", ServiceName);
            // No API keys: the host logs its dev-mode warning at start, so there is a log record to export.
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing) _folder.Dispose();
        }
    }

    /// <summary>An OTLP/HTTP receiver on a loopback port that keeps what each signal path received.</summary>
    private sealed class FakeOtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentDictionary<string, StringBuilder> _bodies = new(StringComparer.Ordinal);
        private readonly Task _loop;

        public FakeOtlpCollector()
        {
            var port = HostProcess.FreePort();
            Endpoint = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(Endpoint.ToString());
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public Uri Endpoint { get; }

        public IEnumerable<string> Paths => _bodies.Keys;

        public string Body(string path)
        {
            if (!_bodies.TryGetValue(path, out var body)) return "";
            lock (body) return body.ToString();
        }

        public async Task<bool> WaitForAsync(IReadOnlyCollection<string> paths, TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < timeout)
            {
                if (paths.All(_bodies.ContainsKey)) return true;
                await Task.Delay(50);
            }

            return false;
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // the listener was closed under a pending GetContextAsync
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var buffer = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(buffer);
                // Protobuf keeps strings as UTF-8 bytes, so names are findable in the raw body.
                var text = Encoding.UTF8.GetString(buffer.ToArray());
                var body = _bodies.GetOrAdd(context.Request.Url!.AbsolutePath, _ => new StringBuilder());
                lock (body) body.Append(text);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }
    }
}
