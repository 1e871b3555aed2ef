using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Functions.CustomHandler;
using PrivateFlows.Runtime.Processing;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Functions.Tests.Support;

/// <summary>
/// The real app in memory, configured as the runtime's API tests do (temp SQLite database, built-in journeys, API
/// keys, a fake clock) and, unless <c>customHandler: false</c>, as the Azure Functions host starts it: with
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> and <c>ServiceBusConnection__fullyQualifiedNamespace</c> set. Service Bus is a
/// <see cref="FakeServiceBus"/> behind the real resilient client; tokens come from a fake token source.
/// </summary>
public sealed class FunctionsHost : WebApplicationFactory<Program>
{
    public const string Namespace = "sb-privateflows-test.servicebus.windows.net";
    public const string Token = "fake-entra-token";
    public const string ProducerKey = "producer-key-0123456789";
    public const string OpsKey = "ops-key-0123456789abcdef";
    public const string MarketerKey = "marketer-key-0123456789";

    /// <summary>Monday 2025-03-03 10:00 in Shanghai: outside quiet hours.</summary>
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 2, 0, 0, TimeSpan.Zero);

    private readonly TempFolder _folder = new();
    private readonly bool _customHandler;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public FunctionsHost(bool customHandler = true, IReadOnlyDictionary<string, string?>? settings = null, bool withKeys = true)
    {
        _customHandler = customHandler;
        var all = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (customHandler)
        {
            all["FUNCTIONS_CUSTOMHANDLER_PORT"] = "7399";
            all["ServiceBusConnection:fullyQualifiedNamespace"] = Namespace;
        }

        if (withKeys)
        {
            all["PrivateFlows:ApiKeys:Producer:0"] = ProducerKey;
            all["PrivateFlows:ApiKeys:Marketer:0"] = MarketerKey;
            all["PrivateFlows:ApiKeys:Ops:0"] = OpsKey;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        _settings = all;
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public FakeServiceBus Bus { get; } = new();

    public StoreFaults Faults { get; } = new();

    public IJourneyStore Store => Services.GetRequiredService<IJourneyStore>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.UseSetting("PrivateFlows:Sqlite:Path", _folder.File("functions.db"));
        builder.UseSetting("PrivateFlows:Journeys:Path", Path.Combine(AppContext.BaseDirectory, "journeys"));
        builder.UseSetting("PrivateFlows:Telemetry:ConsoleMetrics", "false");
        builder.UseSetting("PrivateFlows:Processing:Workers", "4");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:PrivateFlows.Runtime.Processing", "Critical");
        builder.UseSetting("Logging:LogLevel:PrivateFlows.Functions.CustomHandler", "Critical");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            if (_customHandler)
            {
                services.AddSingleton<IServiceBusTokenSource>(new FakeTokenSource(Token));
                services.AddHttpClient(ServiceBusRestSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => Bus);
            }

            // Decorate whichever store the app registered last with switchable faults.
            var registered = services.Last(d => d.ServiceType == typeof(IJourneyStore));
            services.Remove(registered);
            services.AddSingleton(sp => FailingStore.Wrap(Resolve(sp, registered), Faults));
        });
    }

    public HttpClient Client(string? key = null)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public Task IdleAsync() => Services.GetRequiredService<CustomerQueues>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

    private static IJourneyStore Resolve(IServiceProvider sp, ServiceDescriptor d) =>
        d.ImplementationInstance as IJourneyStore
        ?? (d.ImplementationFactory is { } factory ? (IJourneyStore)factory(sp) : (IJourneyStore)ActivatorUtilities.GetServiceOrCreateInstance(sp, d.ImplementationType!));

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        catch (Exception e) when (disposing && OnlyDisposed(e))
        {
            // A race of the test harness, not of the app: with minimal hosting the app's own Run() stops and disposes the
            // host as soon as the factory's StopAsync signals stopping, so a service can be disposed before the factory's
            // StopAsync reaches it.
        }

        if (disposing) _folder.Dispose();
    }

    private static bool OnlyDisposed(Exception e) => e switch
    {
        ObjectDisposedException => true,
        AggregateException a => a.InnerExceptions.All(OnlyDisposed),
        _ => false,
    };

    private sealed class FakeTokenSource(string token) : IServiceBusTokenSource
    {
        public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(token);
    }
}
