using Microsoft.Extensions.Options;
using PrivateFlows.Host.Api;
using PrivateFlows.Host.Events;
using PrivateFlows.Host.Hosting;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime;
using PrivateFlows.Runtime.Channels;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Sqlite;

// Settings files live beside the app; the database path stays relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, VirtualClockMode.SwitchMappings); // --clock virtual, --clock-start <ISO instant>

var port = ListenAddress.Port(builder.Configuration);
var keysConfigured = (builder.Configuration.GetSection(ApiKeyOptions.Section).Get<ApiKeyOptions>() ?? new ApiKeyOptions()).Any;
var addresses = ListenAddress.Configured(builder.Configuration); // Kestrel:Endpoints, --urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS
if (!keysConfigured && ListenAddress.FirstNotLoopback(addresses) is { } open)
{
    // Without keys every caller has every role: refuse rather than serve the network.
    Console.Error.WriteLine(StartFailure.KeylessNotLoopback(open, ApiKeyOptions.Section));
    return StartFailure.ExitCode;
}

var startFailure = new StartFailure();
builder.Logging.AddFilter(StartFailure.HostCategory, startFailure.Logs);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    // PrivateFlows:Port is the shortcut when no ASP.NET Core address is configured (those win).
    if (addresses.Count == 0 && keysConfigured) kestrel.ListenAnyIP(port);
    else if (addresses.Count == 0) kestrel.ListenLocalhost(port);
    kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
});

builder.Services.AddPrivateFlowsRuntime(builder.Configuration).UseSqlite(); // the store adapter: PrivateFlows.Runtime.Sqlite
if (builder.Environment.IsDevelopment()) builder.Services.PostConfigure<ChannelOptions>(o => o.Webhook.AllowHttp = true); // HTTPS required outside development
EmbeddedStore.Check(builder.Configuration); // SQLite only: Cosmos DB is the Azure read model
VirtualClockMode.Configure(builder.Services, builder.Configuration, builder.Environment);
builder.Services.AddOptions<IngestOptions>().Bind(builder.Configuration.GetSection(IngestOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton(_ => EventContract.LoadAsync(EventContract.DefaultFolder).GetAwaiter().GetResult());
builder.Services.AddSingleton<KnownEventTypes>();
builder.Services.AddApiKeys(builder.Configuration);
builder.Services.AddPrivateFlowsTelemetry(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<EngineBusyResponse>(); // full backlog: 429 with Retry-After
builder.Services.ConfigureHttpJsonOptions(o => RuntimeJson.Configure(o.SerializerOptions));
builder.Services.AddOpenApi(o => o.AddOperationTransformer(EngineBusyResponse.DescribeAsync));

var app = builder.Build();

var listening = addresses.Count > 0 ? string.Join(' ', addresses) : keysConfigured ? $"http://*:{port}" : $"http://localhost:{port}";
if (!app.Services.GetRequiredService<IOptions<ApiKeyOptions>>().Value.Any)
{
    app.Logger.LogWarning("No API keys configured ({Section}): dev mode — every caller has every role, listening on loopback only ({Addresses})", ApiKeyOptions.Section, listening);
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi().AllowAnonymous();
app.MapEventEndpoints();
app.MapCustomerEndpoints();
app.MapInstanceEndpoints();
app.MapJourneyEndpoints();
app.MapOpsEndpoints();
app.MapInsightsEndpoints(); // stats, KPIs, segments; explain, points, export/erase, referral reviews
app.MapClockEndpoints();
app.MapDashboard();

app.Lifetime.ApplicationStarted.Register(startFailure.Started);
try
{
    app.Run();
}
catch (Exception e) when (StartFailure.Describe(e) is { } line)
{
    Console.Error.WriteLine(line);
    return StartFailure.ExitCode;
}

return 0;

/// <summary>Entry point, public for <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program;
