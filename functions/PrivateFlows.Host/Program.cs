using Microsoft.Extensions.Options;
using PrivateFlows.Host.Api;
using PrivateFlows.Host.Events;
using PrivateFlows.Host.Hosting;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime;
using PrivateFlows.Runtime.Serialization;

// Settings files live beside the app; the database path stays relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, VirtualClockMode.SwitchMappings); // --clock virtual, --clock-start <ISO instant>

var port = ListenAddress.Port(builder.Configuration);
var keysConfigured = (builder.Configuration.GetSection(ApiKeyOptions.Section).Get<ApiKeyOptions>() ?? new ApiKeyOptions()).Any;
builder.WebHost.ConfigureKestrel(kestrel =>
{
    if (keysConfigured) kestrel.ListenAnyIP(port);
    else kestrel.ListenLocalhost(port);
    kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
});

builder.Services.AddPrivateFlowsRuntime(builder.Configuration);
EmbeddedStore.Check(builder.Configuration); // SQLite only: Cosmos DB is the Azure read model
VirtualClockMode.Configure(builder.Services, builder.Configuration, builder.Environment);
builder.Services.AddOptions<IngestOptions>().Bind(builder.Configuration.GetSection(IngestOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton(_ => EventContract.LoadAsync(EventContract.DefaultFolder).GetAwaiter().GetResult());
builder.Services.AddSingleton<KnownEventTypes>();
builder.Services.AddApiKeys(builder.Configuration);
builder.Services.AddPrivateFlowsTelemetry(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(o => RuntimeJson.Configure(o.SerializerOptions));
builder.Services.AddOpenApi();

var app = builder.Build();

if (!app.Services.GetRequiredService<IOptions<ApiKeyOptions>>().Value.Any)
{
    app.Logger.LogWarning("No API keys configured ({Section}): dev mode — every caller has every role, listening on loopback only (port {Port})", ApiKeyOptions.Section, port);
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

app.Run();

/// <summary>Entry point, public for <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program;
