using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PrivateFlows.Runtime.Processing;

namespace PrivateFlows.Runtime.Tests.Support;

/// <summary>The real host in memory (<see cref="WebApplicationFactory{TEntryPoint}"/>) on a temp database, with API keys and a fake clock.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public const string ProducerKey = "producer-key-0123456789";
    public const string MarketerKey = "marketer-key-0123456789";
    public const string OpsKey = "ops-key-0123456789abcdef";

    private readonly TempFolder _folder = new();
    private readonly bool _withKeys;

    public ApiFactory(bool withKeys = true) => _withKeys = withKeys;

    public FakeTimeProvider Clock { get; } = new(EngineHarness.Start);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.UseSetting("PrivateFlows:Sqlite:Path", _folder.File("api.db"));
        builder.UseSetting("PrivateFlows:Journeys:Path", Paths.BuiltInJourneys);
        builder.UseSetting("PrivateFlows:Telemetry:ConsoleMetrics", "false");
        builder.UseSetting("PrivateFlows:Processing:Workers", "4");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:PrivateFlows.Runtime.Processing.StepProcessor", "Critical");
        if (_withKeys)
        {
            builder.UseSetting("PrivateFlows:ApiKeys:Producer:0", ProducerKey);
            builder.UseSetting("PrivateFlows:ApiKeys:Marketer:0", MarketerKey);
            builder.UseSetting("PrivateFlows:ApiKeys:Ops:0", OpsKey);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public HttpClient Client(string? key)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    public HttpClient Bearer(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public Task IdleAsync() => Services.GetRequiredService<CustomerQueues>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}
