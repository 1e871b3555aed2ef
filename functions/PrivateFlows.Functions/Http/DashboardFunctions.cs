using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using PrivateFlows.Durable.Api;

namespace PrivateFlows.Functions.Http;

/// <summary>The dashboard's static files at <c>/api/ui/</c>; its scripts call <c>/api/...</c> like on the local host.</summary>
public sealed class DashboardFunctions(DashboardFiles files)
{
    [Function(ApiFunctions.Dashboard)]
    public Task<IActionResult> File([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ui/{*path}")] HttpRequest request, string? path, CancellationToken cancellationToken) =>
        files.ServeAsync(request, path, cancellationToken);

    [Function(ApiFunctions.DashboardRoot)]
    public Task<IActionResult> Root([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ui")] HttpRequest request, CancellationToken cancellationToken) =>
        files.ServeAsync(request, null, cancellationToken);
}
