using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using PrivateFlows.Durable;
using PrivateFlows.Durable.Api;
using PrivateFlows.Functions;
using PrivateFlows.Functions.Http;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddPrivateFlowsDurable(builder.Configuration);
builder.Services.AddCustomerReadModel(builder.Configuration);
// HTTP API and dashboard: API keys and roles on every HTTP function, read routes, erase, dead letters (Http/, Durable/Api/)
builder.UseMiddleware<ApiKeyMiddleware>();
builder.Services.AddPrivateFlowsApi(builder.Configuration);
builder.Build().Run();
