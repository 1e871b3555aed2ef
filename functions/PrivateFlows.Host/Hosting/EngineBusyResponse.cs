using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PrivateFlows.Runtime.Processing;

namespace PrivateFlows.Host.Hosting;

/// <summary>
/// Overload answer: an <see cref="EngineBusyException"/> (the in-memory backlog is full) becomes 429 Too Many Requests
/// with <c>Retry-After</c> and a problem document. Nothing of the refused request was stored; the producer sends it again.
/// </summary>
public sealed class EngineBusyResponse(IProblemDetailsService problems, ILogger<EngineBusyResponse> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not EngineBusyException busy) return false;

        var seconds = Math.Max(1, (int)Math.Ceiling(busy.RetryAfter.TotalSeconds));
        log.LogDebug("Refused {Path}: backlog {Backlog}, retry after {Seconds} s", httpContext.Request.Path, busy.Backlog, seconds);
        httpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Engine busy",
                Detail = $"too many events wait to be processed; nothing was stored, send the same events again after {seconds} s (Retry-After)",
            },
        }).ConfigureAwait(false);
    }

    /// <summary>Says so in the OpenAPI document: <c>POST /api/events</c> may answer 429 with <c>Retry-After</c>.</summary>
    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (!string.Equals(context.Description.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase) ||
            !string.Equals(context.Description.RelativePath, "api/events", StringComparison.OrdinalIgnoreCase))
        {
            return Task.CompletedTask;
        }

        operation.Responses ??= [];
        operation.Responses["429"] = new OpenApiResponse
        {
            Description = "The engine's backlog is full: nothing was stored; send the same events again after Retry-After seconds",
            Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "seconds to wait before sending again", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            },
        };
        return Task.CompletedTask;
    }
}
