using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using PrivateFlows.Runtime.Serialization;

namespace PrivateFlows.Durable.Api;

/// <summary>
/// A JSON answer written with the runtime's JSON settings (<see cref="RuntimeJson"/>: camelCase, enums as snake_case),
/// the settings the local host's API uses, so the dashboard reads the same shapes from both. It writes the response
/// itself rather than through MVC's formatters, whose settings are not the runtime's.
/// </summary>
public sealed class ApiResponse(int status, object? value, string contentType = "application/json; charset=utf-8") : IActionResult
{
    public int StatusCode { get; } = status;

    public object? Value { get; } = value;

    public string ContentType { get; } = contentType;

    public static ApiResponse Ok(object value) => new(StatusCodes.Status200OK, value);

    public static ApiResponse NoContent() => new(StatusCodes.Status204NoContent, null);

    /// <summary>An RFC 9457 problem (<c>application/problem+json</c>) like the local host's.</summary>
    public static ApiResponse Problem(int status, string title, string detail) =>
        new(status, new ProblemBody($"https://tools.ietf.org/html/rfc9110#section-15.{(status >= 500 ? 6 : 5)}.{ProblemSection(status)}", title, status, detail), "application/problem+json; charset=utf-8");

    public static ApiResponse NotFound(string title, string detail) => Problem(StatusCodes.Status404NotFound, title, detail);

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await WriteAsync(context.HttpContext.Response, context.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    public async Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = StatusCode;
        if (Value is null) return;
        response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(response.Body, Value, Value.GetType(), RuntimeJson.Options, cancellationToken).ConfigureAwait(false);
    }

    private static int ProblemSection(int status) => status switch
    {
        400 => 1,
        401 => 2,
        403 => 4,
        404 => 5,
        409 => 10,
        503 => 4,
        _ => 1,
    };
}

/// <summary>The fields of a problem response the dashboard reads (<c>title</c>, <c>detail</c>).</summary>
public sealed record ProblemBody(string Type, string Title, int Status, string Detail);
