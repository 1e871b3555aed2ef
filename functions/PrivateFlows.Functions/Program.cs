using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using PrivateFlows.Durable;
using PrivateFlows.Durable.Api;
using PrivateFlows.Functions.Http;
using PrivateFlows.Runtime.Cosmos;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddPrivateFlowsDurable(builder.Configuration);
builder.Services.AddCosmosCustomerReadModel(builder.Configuration); // what activities write and the HTTP API reads
// HTTP API and dashboard: API keys and roles on every HTTP function, read routes, erase, dead letters (Http/, Durable/Api/)
builder.UseMiddleware<ApiKeyMiddleware>();
builder.Services.AddPrivateFlowsApi(builder.Configuration);
builder.Build().Run();
