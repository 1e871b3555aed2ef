using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using PrivateFlows.Durable.Api;

namespace PrivateFlows.Functions.Http;

/// <summary>
/// Checks the API key of every HTTP function call before the function runs (<see cref="ApiAccess"/>: 401, 403, or 503
/// when no key is configured) and answers the refusal itself. Non-HTTP functions (Service Bus, orchestrations,
/// activities) have no HTTP context and pass.
/// </summary>
public sealed class ApiKeyMiddleware(ApiAccess access) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext();
        if (http is not null && access.Check(context.FunctionDefinition.Name, http.Request) is { } refusal)
        {
            await refusal.WriteAsync(http.Response, context.CancellationToken).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
