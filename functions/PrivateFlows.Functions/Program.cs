using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using PrivateFlows.Durable;
using PrivateFlows.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddPrivateFlowsDurable(builder.Configuration);
builder.Services.AddCustomerReadModel(builder.Configuration);
builder.Build().Run();
